package dev.shardraft.kafka.log;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/** Runs blocking work on a given executor, completing with the work's own exception (unwrapped). */
final class OnThread {

  private OnThread() {}

  static <T> CompletableFuture<T> run(Executor executor, Supplier<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      executor.execute(
          () -> {
            try {
              result.complete(work.get());
            } catch (Throwable t) {
              result.completeExceptionally(t);
              if (t instanceof Error error) {
                throw error;
              }
            }
          });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(new IllegalStateException("writer is closed", e));
    }
    return result;
  }
}
