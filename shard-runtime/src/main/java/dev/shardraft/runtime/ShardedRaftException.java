package dev.shardraft.runtime;

/**
 * How an {@link ShardedRaft#ask}, {@link ShardedRaft#read} or an admin call fails; the {@code
 * CompletionStage} completes exceptionally with one of the subclasses. A business rule that refuses
 * a command is not a failure: the state machine says so in its reply.
 */
public abstract sealed class ShardedRaftException extends RuntimeException {
  private final String group;

  private ShardedRaftException(String group, String message) {
    super(message);
    this.group = group;
  }

  /** The group the call went to, e.g. {@code orders-3}. */
  public String group() {
    return group;
  }

  /**
   * The group refused the command for good (the replica's {@code Rejected}: an undecodable payload,
   * an unknown or expired session, an out-of-date sequence); it was not applied by this ask and
   * retrying the same command cannot help.
   */
  public static final class Rejected extends ShardedRaftException {
    public Rejected(String group, String message) {
      super(group, message);
    }
  }

  /**
   * No acknowledgement within the ask's timeout, though the group had a known leader: the outcome
   * is unknown (the command may have been applied, or may still be, exactly once).
   */
  public static final class TimedOut extends ShardedRaftException {
    public TimedOut(String group, String message) {
      super(group, message);
    }
  }

  /**
   * No replica of the group named a leader within the timeout (an election did not finish, or too
   * few replicas run). The command may still have reached an old leader: its outcome is unknown.
   */
  public static final class Unavailable extends ShardedRaftException {
    public Unavailable(String group, String message) {
      super(group, message);
    }
  }

  /**
   * The command was committed and the state machine (or its codec) threw while applying it (a
   * poison command): that is its result on every replica, it will not be applied again, and a retry
   * gets the same failure. {@link #index()} is its log index.
   */
  public static final class Failed extends ShardedRaftException {
    private final long index;

    public Failed(String group, long index, String message) {
      super(group, message);
      this.index = index;
    }

    /** The log index of the failed command. */
    public long index() {
      return index;
    }
  }

  /**
   * The group no longer has the client session the command was sent on (it expired: unused for
   * {@code shardraft.replica.session-expiry-positions} log positions): the outcome is unknown (an
   * earlier attempt may have been applied, once). Not applied by this attempt, and never will be
   * under that session; the client opens a new session for later commands.
   */
  public static final class SessionExpired extends ShardedRaftException {
    public SessionExpired(String group, String message) {
      super(group, message);
    }
  }

  /** The state machine could not answer the query (it did not decode, for example). */
  public static final class ReadFailed extends ShardedRaftException {
    public ReadFailed(String group, String message) {
      super(group, message);
    }
  }

  /**
   * An admin call ({@link ShardedRaftAdmin}) could not do what it was asked: the group had no ready
   * leader, the leader refused the leadership transfer, or the target did not become leader in
   * time. Nothing was changed by the refusal; a transfer that timed out may still finish.
   */
  public static final class AdminFailed extends ShardedRaftException {
    public AdminFailed(String group, String message) {
      super(group, message);
    }
  }
}
