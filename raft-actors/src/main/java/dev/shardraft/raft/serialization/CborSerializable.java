package dev.shardraft.raft.serialization;

/**
 * Marker for every message that may cross the network between nodes. The {@code reference.conf} of
 * raft-actors binds it to Pekko's {@code jackson-cbor} serializer; Java serialization is switched
 * off, so a network message that does not implement this marker (or another explicitly bound type)
 * fails loudly instead of silently falling back to Java serialization.
 */
public interface CborSerializable {}
