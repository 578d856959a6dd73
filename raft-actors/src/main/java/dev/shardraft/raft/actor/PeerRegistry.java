package dev.shardraft.raft.actor;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Peers} for replicas in one actor system: replica id to its current {@link ActorRef}. A
 * restarted replica registers its new ref; a message to an unregistered replica is dropped (and
 * logged at DEBUG), as a lost network message would be. Thread-safe.
 */
public final class PeerRegistry implements Peers {
  private static final Logger LOG = LoggerFactory.getLogger(PeerRegistry.class);
  private final ConcurrentMap<String, ActorRef<ReplicaProtocol.Command>> refs =
      new ConcurrentHashMap<>();

  /** Makes {@code replicaId} reachable at {@code ref} (replacing an older ref). */
  public void register(String replicaId, ActorRef<ReplicaProtocol.Command> ref) {
    refs.put(replicaId, ref);
  }

  /** Makes {@code replicaId} unreachable (as if partitioned or stopped). */
  public void unregister(String replicaId) {
    refs.remove(replicaId);
  }

  @Override
  public void tell(String replicaId, ReplicaProtocol.Command message) {
    ActorRef<ReplicaProtocol.Command> ref = refs.get(replicaId);
    if (ref == null) {
      LOG.debug("no ref for replica {}, dropping {}", replicaId, message);
      return;
    }
    ref.tell(message);
  }
}
