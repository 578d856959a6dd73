package dev.shardraft.raft.port;

import java.util.Objects;

/**
 * One entry as a leader writes it. {@code term} and {@code leaderId} travel with every entry (the
 * Kafka implementation puts them in record headers) so that every replica can audit who wrote it
 * and apply the same skip rule to entries that break term order.
 *
 * @param term the term of the leader that wrote the entry
 * @param leaderId the replica id of that leader
 * @param body what the entry carries
 */
public record LogEntry(long term, String leaderId, Body body) {

  public LogEntry {
    if (term < 1) {
      throw new IllegalArgumentException("term must be >= 1, was " + term);
    }
    Objects.requireNonNull(leaderId, "leaderId");
    Objects.requireNonNull(body, "body");
  }

  /** What an entry carries. */
  public sealed interface Body permits Barrier, Command {}

  /**
   * The first entry a new leader writes in its term. When the leader reads its own barrier back
   * from the log it knows it has applied every entry committed before it took over (leader
   * completeness): Kafka offsets have gaps, so "applied up to the end offset" cannot be checked any
   * other way.
   *
   * <p>It also carries the client-session expiry window of the leader that wrote it ({@code
   * sessionExpiryPositions}, 0 = none carried: an earlier version's barrier): every replica and the
   * projection adopt it when they apply the barrier, so the window is replicated state and changes
   * at the same log position everywhere.
   */
  public record Barrier(long sessionExpiryPositions) implements Body {
    /** A barrier that carries no session expiry window (as written by earlier versions). */
    public Barrier() {
      this(0);
    }

    public Barrier {
      if (sessionExpiryPositions < 0) {
        throw new IllegalArgumentException(
            "sessionExpiryPositions must be >= 0, was " + sessionExpiryPositions);
      }
    }
  }

  /**
   * A client command. {@code (clientId, sequence)} identifies it for exactly-once application.
   *
   * <p>Sequence {@code 0} is a <b>registration</b> (thesis §6.3): {@code clientId} is the client's
   * name, the payload the reply bound its leader wrote; applying it opens a new session {@code
   * <clientId>@<index>} (see {@code core.apply.SessionRegistration}). A command of a registered
   * session carries {@code lowestUnacked >= 1}: the lowest sequence whose answer its client has not
   * seen yet, so the session may discard the replies below it (pipelining: many commands of one
   * session in flight). {@code lowestUnacked == 0} marks a command of the legacy protocol (written
   * by earlier versions: sequence 1 opens a session, one command at a time).
   *
   * @param clientId the session id (a registration: the client's name)
   * @param sequence 0 for a registration, else strictly increasing per session, starting at 1
   * @param payload the command, encoded by the state machine's codec; opaque to the log
   * @param lowestUnacked 0 (registration, or legacy), else in {@code [1, sequence]}
   */
  public record Command(String clientId, long sequence, Bytes payload, long lowestUnacked)
      implements Body {
    /** A command of the legacy protocol (no {@code lowestUnacked}). */
    public Command(String clientId, long sequence, Bytes payload) {
      this(clientId, sequence, payload, 0);
    }

    public Command {
      Objects.requireNonNull(clientId, "clientId");
      Objects.requireNonNull(payload, "payload");
      if (sequence < 0) {
        throw new IllegalArgumentException("sequence must be >= 0, was " + sequence);
      }
      if (lowestUnacked < 0 || lowestUnacked > sequence) {
        throw new IllegalArgumentException(
            "lowestUnacked must be in [0, sequence " + sequence + "], was " + lowestUnacked);
      }
    }

    /** A registration command of client {@code clientName} (the leader fills in the payload). */
    public static Command registration(String clientName, Bytes payload) {
      return new Command(clientName, 0, payload, 0);
    }

    /** Whether this is a registration (sequence 0). */
    public boolean isRegistration() {
      return sequence == 0;
    }
  }
}
