package dev.shardraft.multijvm.check;

import dev.shardraft.multijvm.history.Op;

/**
 * One client operation, its invocation paired with its completion: called at {@code call}, returned
 * at {@code ret} ({@link Long#MAX_VALUE} when the outcome is unknown: it may take effect at any
 * later time, or never). {@code id} is its index among the operations of its key.
 */
public record Operation(
    int id,
    int process,
    Op.F f,
    String key,
    Object input,
    Object output,
    boolean unknown,
    long call,
    long ret) {

  @Override
  public String toString() {
    String io =
        switch (f) {
          case READ -> "read -> " + (unknown ? "?" : output);
          case WRITE -> "write " + input;
          case CAS -> "cas " + input;
          case APPEND -> "append " + input;
        };
    return "p"
        + process
        + " "
        + io
        + (unknown ? " (info)" : "")
        + " ["
        + call
        + ", "
        + (ret == Long.MAX_VALUE ? "inf" : Long.toString(ret))
        + "]";
  }
}
