package dev.shardraft.kafka.log;

/**
 * An append (or opening a writer) failed for a reason other than fencing. Unless the message says
 * the transaction was aborted, whether the batch became visible is unknown: treat its commands as
 * "outcome unknown" (the port's contract).
 */
public final class LogAppendException extends RuntimeException {

  public LogAppendException(String message, Throwable cause) {
    super(message, cause);
  }
}
