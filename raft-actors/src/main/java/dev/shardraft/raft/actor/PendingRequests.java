package dev.shardraft.raft.actor;

import dev.shardraft.raft.actor.RaftReplica.ReadReply;
import dev.shardraft.raft.actor.RaftReplica.Retry;
import dev.shardraft.raft.actor.RaftReplica.SubmitReply;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Client requests waiting for the core's answer, by the request id the replica gave them ({@code
 * RaftInput.ClientCommand.requestId}, {@code ClientRead.requestId}). Each is answered at most once:
 * taking it removes it. Used by one actor only.
 */
final class PendingRequests {

  /** A waiting command. */
  record Command(ActorRef<SubmitReply> replyTo) {}

  /** A waiting read and the query to run once the core allows it. */
  record Read(ActorRef<ReadReply> replyTo, byte[] query) {}

  private final Map<Long, Object> waiting = new LinkedHashMap<>();
  private long nextId = 1;

  long addCommand(ActorRef<SubmitReply> replyTo) {
    long id = nextId++;
    waiting.put(id, new Command(replyTo));
    return id;
  }

  long addRead(ActorRef<ReadReply> replyTo, byte[] query) {
    long id = nextId++;
    waiting.put(id, new Read(replyTo, query));
    return id;
  }

  Optional<Command> takeCommand(long id) {
    return waiting.get(id) instanceof Command c && waiting.remove(id) != null
        ? Optional.of(c)
        : Optional.empty();
  }

  Optional<Read> takeRead(long id) {
    return waiting.get(id) instanceof Read r && waiting.remove(id) != null
        ? Optional.of(r)
        : Optional.empty();
  }

  boolean isEmpty() {
    return waiting.isEmpty();
  }

  int size() {
    return waiting.size();
  }

  /** Answers every waiting request with {@code retry} and forgets them all. */
  void retryAll(Retry retry) {
    for (Object p : waiting.values()) {
      if (p instanceof Command c) {
        c.replyTo().tell(retry);
      } else if (p instanceof Read r) {
        r.replyTo().tell(retry);
      }
    }
    waiting.clear();
  }
}
