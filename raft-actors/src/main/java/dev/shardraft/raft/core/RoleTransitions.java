package dev.shardraft.raft.core;

/**
 * The only place that decides whether a replica may change role. Every role change made by the core
 * passes through {@link #validate}; an illegal move is a bug and throws {@link
 * IllegalStateException} (as Kafka's {@code QuorumState} does).
 *
 * <h2>Transition table</h2>
 *
 * Terms never decrease. "Same term" and "term + 1" are relative to the term the previous role was
 * entered in.
 *
 * <pre>
 * from \ to    | Follower          | PreCandidate          | Candidate               | Leader
 * -------------+-------------------+-----------------------+-------------------------+----------------------
 * Follower     | higher term, or   | election timeout,     | TimeoutNow (transfer),  | never
 *              | leader learned    | same term             | term + 1, voted self    |
 * PreCandidate | heartbeat of the  | election timeout,     | pre-votes of a quorum,  | never
 *              | term; higher term | same term             | term + 1, voted self    |
 * Candidate    | heartbeat of the  | election timeout,     | never (re-campaign goes | quorum of votes, own
 *              | term; higher term | same term             | through PreCandidate)   | vote durable, same term
 * Leader       | higher term (msg  | never                 | never                   | never (one term, one
 *              | or log), check-   |                       |                         | leadership)
 *              | quorum lost,      |                       |                         |
 *              | fenced/failed     |                       |                         |
 *              | append or open    |                       |                         |
 * </pre>
 *
 * Updates that keep role and term (a vote counted, a peer's progress, a batch sent) are not
 * transitions and are not validated here.
 */
public final class RoleTransitions {
  private RoleTransitions() {}

  /**
   * Checks one role change.
   *
   * @param from the current role
   * @param fromTerm the term in which {@code from} was entered
   * @param to the next role
   * @param toTerm the term of the next role
   * @param votedSelfDurably the replica voted for itself in {@code toTerm} and that vote is durable
   * @param votedSelf the replica's vote in {@code toTerm} is for itself (durable or not)
   * @throws IllegalStateException if the table does not allow the change
   */
  public static void validate(
      Role from, long fromTerm, Role to, long toTerm, boolean votedSelf, boolean votedSelfDurably) {
    if (toTerm < fromTerm) {
      throw illegal(from, fromTerm, to, toTerm, "terms never decrease");
    }
    boolean sameTerm = toTerm == fromTerm;
    boolean ok;
    if (to instanceof Role.Follower) {
      ok = true;
    } else if (to instanceof Role.PreCandidate) {
      ok = !(from instanceof Role.Leader) && sameTerm;
    } else if (to instanceof Role.Candidate) {
      ok =
          (from instanceof Role.Follower || from instanceof Role.PreCandidate)
              && toTerm == fromTerm + 1
              && votedSelf;
    } else if (to instanceof Role.Leader) {
      ok = from instanceof Role.Candidate && sameTerm && votedSelfDurably;
    } else {
      throw new AssertionError("unknown role " + to);
    }
    if (!ok) {
      throw illegal(from, fromTerm, to, toTerm, "not in the transition table");
    }
  }

  private static IllegalStateException illegal(
      Role from, long fromTerm, Role to, long toTerm, String why) {
    return new IllegalStateException(
        "illegal role transition "
            + from.name()
            + "@"
            + fromTerm
            + " -> "
            + to.name()
            + "@"
            + toTerm
            + ": "
            + why);
  }
}
