package dev.shardraft.raft.core;

/** How a client read is served. */
public enum ReadMode {
  /**
   * Read-index (Raft thesis §6.4): served only by a ready leader, after a heartbeat round confirmed
   * by a majority started after the read arrived, once applied >= the read index.
   */
  LINEARIZABLE,
  /** Served at once by any replica from its applied state, with its applied index. */
  STALE
}
