package dev.shardraft.raft.port;

/**
 * A snapshot of a replica's applied state (the user's state machine and the client sessions).
 *
 * @param nextIndex the log index to resume tailing from: every entry below it is reflected in
 *     {@code data}, none at or above it
 * @param term the term of the last entry applied into the snapshot
 * @param data the serialized state, opaque to the store
 */
public record Snapshot(long nextIndex, long term, Bytes data) {

  public Snapshot {
    if (nextIndex < 0) {
      throw new IllegalArgumentException("nextIndex must be >= 0, was " + nextIndex);
    }
    java.util.Objects.requireNonNull(data, "data");
  }
}
