package dev.shardraft.multijvm.history;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One line of a history file: an invocation or a completion of one client operation, in the format
 * of issue 11 ({@code {"process", "type", "f", "key", "value", "time"}}).
 *
 * <p>{@code value}: for a write the written value (a {@code Long}); for a read the invoke value is
 * null and the ok value is what was read (a {@code Long} or null for a register, a {@code
 * List<Long>} for a list-append key); for a cas {@code [expected, new]}; for an append the appended
 * value. {@code time} is the harness's {@code System.nanoTime()}.
 */
@JsonPropertyOrder({"process", "type", "f", "key", "value", "time"})
public record Op(int process, Type type, F f, String key, Object value, long time) {

  /** What a line says about the operation. */
  public enum Type {
    /** The client sent it. */
    @JsonProperty("invoke")
    INVOKE,
    /** It took effect (for a read: it read {@code value}). */
    @JsonProperty("ok")
    OK,
    /** It certainly did not take effect. */
    @JsonProperty("fail")
    FAIL,
    /** Its outcome is unknown (timeout, node died); the process then takes a new id. */
    @JsonProperty("info")
    INFO
  }

  /** The operation's function. */
  public enum F {
    @JsonProperty("read")
    READ,
    @JsonProperty("write")
    WRITE,
    @JsonProperty("cas")
    CAS,
    @JsonProperty("append")
    APPEND
  }

  public static Op invoke(int process, F f, String key, Object value, long time) {
    return new Op(process, Type.INVOKE, f, key, value, time);
  }

  /** The completion of this invocation with {@code type} and {@code value} at {@code time}. */
  public Op complete(Type type, Object value, long time) {
    return new Op(process, type, f, key, value, time);
  }

  @Override
  public String toString() {
    return "{p" + process + " " + type + " " + f + " " + key + " " + value + " @" + time + "}";
  }
}
