package dev.shardraft.raft.port;

import java.util.Arrays;

/**
 * A snapshot of a replica's applied state (the user's state machine and the client sessions).
 *
 * @param nextIndex the log index to resume tailing from: every entry below it is reflected in
 *     {@code data}, none at or above it
 * @param term the term of the last entry applied into the snapshot
 * @param data the serialized state, opaque to the store
 */
public record Snapshot(long nextIndex, long term, byte[] data) {

  public Snapshot {
    if (nextIndex < 0) {
      throw new IllegalArgumentException("nextIndex must be >= 0, was " + nextIndex);
    }
    java.util.Objects.requireNonNull(data, "data");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Snapshot s
        && s.nextIndex == nextIndex
        && s.term == term
        && Arrays.equals(s.data, data);
  }

  @Override
  public int hashCode() {
    return 31 * Long.hashCode(nextIndex) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "Snapshot[nextIndex=" + nextIndex + ", term=" + term + ", " + data.length + " bytes]";
  }
}
