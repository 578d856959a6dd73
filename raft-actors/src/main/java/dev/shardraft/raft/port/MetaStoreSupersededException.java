package dev.shardraft.raft.port;

/**
 * A term and vote save was refused because another incarnation of the same replica id (started on
 * another node while this one was paused or partitioned, for example) saved a value since this one
 * last loaded or saved. Nothing of the refused save is durable. The replica must not go on with
 * what it believes its term and vote are: it reloads them (restarts) or stops.
 */
public final class MetaStoreSupersededException extends RuntimeException {
  private final String shard;
  private final String replicaId;

  public MetaStoreSupersededException(String shard, String replicaId, String detail) {
    super(
        "term and vote of "
            + shard
            + "/"
            + replicaId
            + " were saved by another incarnation of the replica: "
            + detail);
    this.shard = shard;
    this.replicaId = replicaId;
  }

  public String shard() {
    return shard;
  }

  public String replicaId() {
    return replicaId;
  }
}
