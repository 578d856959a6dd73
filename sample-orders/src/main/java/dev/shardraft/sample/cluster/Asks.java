package dev.shardraft.sample.cluster;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/** Blocking asks from plain threads (the demo, tests), with a timeout that names what waited. */
final class Asks {

  private Asks() {}

  /** Thrown when no answer arrived in time; the caller may retry. */
  static final class NoAnswer extends RuntimeException {
    NoAnswer(String what, Duration timeout) {
      super("no answer to " + what + " within " + timeout.toMillis() + " ms");
    }
  }

  /** Asks {@code to} and waits at most {@code timeout} for the answer. */
  static <Q, A> A ask(
      ActorSystem<?> system,
      RecipientRef<Q> to,
      Function<ActorRef<A>, Q> message,
      Duration timeout,
      String what) {
    CompletionStage<A> answer = AskPattern.ask(to, message::apply, timeout, system.scheduler());
    return await(answer, timeout.plusMillis(500), what);
  }

  static <A> A await(CompletionStage<A> stage, Duration timeout, String what) {
    try {
      return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + what, e);
    } catch (TimeoutException e) {
      throw new NoAnswer(what, timeout);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TimeoutException) {
        throw new NoAnswer(what, timeout); // the ask's own timeout
      }
      throw new IllegalStateException(what + " failed: " + e.getCause(), e.getCause());
    }
  }
}
