/**
 * The serialization rule of the whole project: network messages implement {@link
 * dev.shardraft.raft.serialization.CborSerializable} and are written with Jackson CBOR by {@code
 * pekko-serialization-jackson}; Java serialization is disabled in {@code reference.conf}.
 */
package dev.shardraft.raft.serialization;
