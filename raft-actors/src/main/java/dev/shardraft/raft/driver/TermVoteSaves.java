package dev.shardraft.raft.driver;

import dev.shardraft.raft.port.TermAndVote;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * The ordered queue of term/vote saves: {@code Effect.PersistTermVote} saves must complete in the
 * order issued, so at most one runs at a time. Used by one replica driver only (one thread at a
 * time).
 */
final class TermVoteSaves {
  private final Deque<TermAndVote> queue = new ArrayDeque<>();
  private boolean running;

  /** Queues a save; returns it if it should start now (nothing else running). */
  Optional<TermAndVote> offer(TermAndVote tv) {
    queue.addLast(tv);
    return startNext();
  }

  /** The running save; present while one runs (for a retry after a failure). */
  Optional<TermAndVote> running() {
    return running ? Optional.of(queue.peekFirst()) : Optional.empty();
  }

  /** The running save completed; returns the next one to start, if any. */
  Optional<TermAndVote> completed() {
    queue.pollFirst();
    running = false;
    return startNext();
  }

  private Optional<TermAndVote> startNext() {
    if (running || queue.isEmpty()) {
      return Optional.empty();
    }
    running = true;
    return Optional.of(queue.peekFirst());
  }
}
