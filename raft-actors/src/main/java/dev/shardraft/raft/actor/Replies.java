package dev.shardraft.raft.actor;

import dev.shardraft.raft.actor.ReplicaProtocol.Applied;
import dev.shardraft.raft.actor.ReplicaProtocol.Read;
import dev.shardraft.raft.actor.ReplicaProtocol.ReadFailed;
import dev.shardraft.raft.actor.ReplicaProtocol.ReadResult;
import dev.shardraft.raft.actor.ReplicaProtocol.Rejected;
import dev.shardraft.raft.actor.ReplicaProtocol.Retry;
import dev.shardraft.raft.actor.ReplicaProtocol.Status;
import dev.shardraft.raft.actor.ReplicaProtocol.SubmitReply;
import dev.shardraft.raft.core.CommandOutcome;
import dev.shardraft.raft.core.RaftState;
import dev.shardraft.raft.core.ReadMode;
import dev.shardraft.raft.core.Role;
import dev.shardraft.raft.driver.Callers.ReadCaller;
import dev.shardraft.raft.driver.ReplicaDriver;
import dev.shardraft.raft.port.Bytes;
import java.util.Optional;

/** The core's answers in the replica's public protocol ({@link ReplicaProtocol}). */
final class Replies {
  private Replies() {}

  static SubmitReply toSubmitReply(CommandOutcome o) {
    if (o instanceof CommandOutcome.Success s) {
      return new Applied(s.index(), s.reply(), s.duplicate());
    } else if (o instanceof CommandOutcome.Rejected r) {
      return new Rejected(r.reason());
    } else if (o instanceof CommandOutcome.Failed f) {
      return new ReplicaProtocol.Failed(f.index(), f.reason(), f.duplicate());
    } else if (o instanceof CommandOutcome.SessionExpired e) {
      return new ReplicaProtocol.SessionExpired(e.reason());
    } else {
      return toRetry((CommandOutcome.Retry) o);
    }
  }

  static Retry toRetry(CommandOutcome.Retry r) {
    return new Retry(r.leaderHint(), r.reason(), r.detail());
  }

  /** Answers a {@link Read}'s sender. */
  record ToRead(Read read) implements ReadCaller {
    @Override
    public void served(long index, ReadMode mode, Bytes result) {
      read.replyTo().tell(new ReadResult(index, mode, result));
    }

    @Override
    public void failed(String reason) {
      read.replyTo().tell(new ReadFailed(reason));
    }

    @Override
    public void retry(CommandOutcome.Retry retry) {
      read.replyTo().tell(toRetry(retry));
    }
  }

  /** The status of a loaded replica. */
  static Status status(String self, ReplicaDriver<?, ?> driver) {
    RaftState s = driver.state();
    boolean ready = s.role() instanceof Role.Leader l && l.ready();
    return new Status(
        self,
        ReplicaRole.of(s.role()),
        s.term(),
        s.votedFor(),
        s.leaderHint(),
        ready,
        s.appliedIndex(),
        s.logTerm(),
        driver.applier().skippedStaleTerm(),
        driver.applier().skippedUndecodable(),
        driver.applier().duplicates(),
        s.isQuiesced());
  }

  /** The status of a replica that is still loading. */
  static Status starting(String self) {
    return new Status(
        self,
        ReplicaRole.STARTING,
        0,
        Optional.empty(),
        Optional.empty(),
        false,
        -1,
        0,
        0,
        0,
        0,
        false);
  }
}
