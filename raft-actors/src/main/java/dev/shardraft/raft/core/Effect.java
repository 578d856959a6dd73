package dev.shardraft.raft.core;

import dev.shardraft.raft.port.LogEntry;
import dev.shardraft.raft.port.TermAndVote;
import java.util.List;

/**
 * What the driver must do after a {@link RaftCore#step}. The core performs no I/O itself.
 *
 * <h2>How a driver executes effects</h2>
 *
 * <ol>
 *   <li>Execute the effects of one {@link Transition} <b>in list order</b>. The core emits them
 *       grouped: {@link PersistTermVote} first, then log effects ({@link OpenWriter}, {@link
 *       Append}, {@link CloseWriter}), then {@link Send}s, then client answers, then timers.
 *   <li>{@link PersistTermVote} is asynchronous: start the save, and when it has completed feed
 *       {@link RaftInput.TermVotePersisted} back. Saves must complete in the order they were issued
 *       (run them one at a time, or on an ordered queue). <b>Persistence before sends</b> is
 *       enforced by the core, not by the driver's timing: while the replica's current term and vote
 *       are not yet durable, the core emits no {@link Send} at all; it holds them in {@link
 *       RaftState#outbox()} and emits them in the transition that handles the matching {@code
 *       TermVotePersisted}. So no vote is granted and no RequestVote leaves before the vote is
 *       durable.
 *   <li>{@link OpenWriter}: call {@code RaftLog.openWriter(term, self)}; report {@link
 *       RaftInput.WriterOpened} or {@link RaftInput.WriterOpenFailed}. Keep the writer keyed by
 *       term.
 *   <li>{@link Append}: call {@code writer.append(entries)} on the writer of that term; report
 *       {@link RaftInput.AppendCompleted} or {@link RaftInput.AppendFailed} (with {@code
 *       fenced=true} for {@code LogFencedException}). The core never has more than one append in
 *       flight.
 *   <li>{@link CloseWriter}: close the writer of that term, if any (also when its open is still
 *       pending: close it once it completes).
 *   <li>{@link Send}: best-effort delivery; loss, delay and reordering are tolerated.
 *   <li>{@link ReplyCommand}, {@link ServeRead}, {@link RejectRead}, {@link TransferRefused}:
 *       answer the client request with that id. For {@code ServeRead} the driver answers from its
 *       applied state at once: the core emits it only when applied index >= the read index.
 *   <li>{@link StartTimer}: (re)arm the keyed single timer to fire at {@code atMs} (replacing the
 *       previous timer of that key) and feed {@link RaftInput.Timeout} when it fires; {@link
 *       CancelTimer} cancels it. Late or duplicate timeouts are harmless.
 * </ol>
 */
public sealed interface Effect {

  /** Save term and vote durably, then feed {@link RaftInput.TermVotePersisted}. */
  record PersistTermVote(TermAndVote termAndVote) implements Effect {}

  /** Open (and thereby fence older writers) the log writer for {@code term}. */
  record OpenWriter(long term) implements Effect {}

  /** Append one batch with the writer of {@code term}. */
  record Append(long term, List<LogEntry> entries) implements Effect {
    public Append {
      entries = List.copyOf(entries);
    }
  }

  /** Close the writer of {@code term}; this replica is no longer leader in it. */
  record CloseWriter(long term) implements Effect {}

  /** Send a message to the replica {@code to}. */
  record Send(String to, RaftMessage message) implements Effect {}

  /** Answer the command request {@code requestId}. */
  record ReplyCommand(long requestId, CommandOutcome outcome) implements Effect {}

  /**
   * Answer the read request {@code requestId} from the applied state now.
   *
   * @param readIndex the index the state reflects at least (the read index for linearizable reads,
   *     the applied index for stale reads)
   */
  record ServeRead(long requestId, long readIndex, ReadMode mode) implements Effect {}

  /** The read cannot be served here; retry at the hint. */
  record RejectRead(long requestId, CommandOutcome.Retry retry) implements Effect {}

  /** A {@link RaftInput.TransferLeadership} was not started. */
  record TransferRefused(String target, String reason) implements Effect {}

  /** Arm the keyed timer to fire at {@code atMs} (driver clock). */
  record StartTimer(TimerKey key, long atMs) implements Effect {}

  /** Cancel the keyed timer. */
  record CancelTimer(TimerKey key) implements Effect {}
}
