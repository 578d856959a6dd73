package dev.shardraft.raft.core;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The transition table of {@link RoleTransitions}, row by row. */
class RoleTransitionsTest {

  private static Role role(String name) {
    return switch (name) {
      case "F" -> Role.Follower.leaderless();
      case "P" -> new Role.PreCandidate(Set.of("n1"));
      case "C" -> new Role.Candidate(Set.of(), false);
      case "L" ->
          new Role.Leader(
              "n1",
              false,
              -1,
              false,
              -1,
              Optional.empty(),
              List.of(),
              List.of(),
              Map.of(),
              0,
              List.of(),
              Optional.empty(),
              0);
      default -> throw new IllegalArgumentException(name);
    };
  }

  @ParameterizedTest(name = "{0}@5 -> {1}@(5+{2}) votedSelf={3} durable={4}: allowed={5}")
  @CsvSource({
    // to Follower: always, same or higher term
    "F, F, 0, false, false, true",
    "F, F, 3, false, false, true",
    "P, F, 0, false, false, true",
    "C, F, 1, true,  true,  true",
    "L, F, 0, true,  true,  true",
    "L, F, 2, false, false, true",
    // to PreCandidate: same term, never from Leader
    "F, P, 0, false, false, true",
    "C, P, 0, true,  true,  true",
    "F, P, 1, false, false, false",
    "L, P, 0, true,  true,  false",
    // to Candidate: term + 1 with a vote for self, from Follower or PreCandidate
    "P, C, 1, true,  false, true",
    "F, C, 1, true,  false, true",
    "P, C, 1, false, false, false",
    "P, C, 0, true,  true,  false",
    "P, C, 2, true,  true,  false",
    "C, C, 1, true,  true,  false",
    "L, C, 1, true,  true,  false",
    // to Leader: only a Candidate whose own vote is durable, same term
    "C, L, 0, true,  true,  true",
    "C, L, 0, true,  false, false",
    "C, L, 1, true,  true,  false",
    "F, L, 0, true,  true,  false",
    "P, L, 0, true,  true,  false",
    "L, L, 0, true,  true,  false",
    // terms never decrease
    "F, F, -1, false, false, false"
  })
  void table(
      String from, String to, long termDelta, boolean votedSelf, boolean durable, boolean allowed) {
    Runnable check =
        () ->
            RoleTransitions.validate(
                role(from), 5, role(to), 5 + termDelta, votedSelf, votedSelf && durable);
    if (allowed) {
      assertDoesNotThrow(check::run);
    } else {
      assertThrows(IllegalStateException.class, check::run);
    }
  }
}
