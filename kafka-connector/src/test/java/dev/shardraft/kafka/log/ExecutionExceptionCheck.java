package dev.shardraft.kafka.log;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.function.Executable;

/** Asserts on the root failure of a future, whatever wrappers it came in. */
public final class ExecutionExceptionCheck {

  private ExecutionExceptionCheck() {}

  public static <T extends Throwable> T assertFailsWith(
      Class<T> type, Executable call, String messagePart) {
    Throwable thrown = assertThrows(Throwable.class, call);
    Throwable cause = thrown;
    while ((cause instanceof ExecutionException || cause instanceof CompletionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    assertTrue(type.isInstance(cause), "expected " + type.getSimpleName() + " but got " + thrown);
    assertTrue(
        String.valueOf(cause.getMessage()).contains(messagePart),
        "message should contain '" + messagePart + "': " + cause.getMessage());
    return type.cast(cause);
  }
}
