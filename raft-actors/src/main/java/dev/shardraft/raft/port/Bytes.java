package dev.shardraft.raft.port;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable byte string with value equality: command payloads, replies, queries and snapshots.
 * Records that hold one get equality and a short {@code toString} for free, instead of each
 * hand-writing {@code Arrays.equals}. Jackson writes it as a plain byte string (in CBOR, a byte
 * string), so messages keep their wire shape.
 */
public final class Bytes {
  /** No bytes. */
  public static final Bytes EMPTY = new Bytes(new byte[0]);

  private static final int SHOWN = 8;

  private final byte[] bytes;

  private Bytes(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A copy of {@code bytes}; later changes to the array do not show. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static Bytes of(byte[] bytes) {
    return bytes.length == 0 ? EMPTY : new Bytes(bytes.clone());
  }

  /** The UTF-8 encoding of {@code text}. */
  public static Bytes utf8(String text) {
    return new Bytes(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A copy of the bytes. */
  @JsonValue
  public byte[] toArray() {
    return bytes.clone();
  }

  /** The bytes decoded as UTF-8 (malformed input becomes replacement characters). */
  public String toUtf8() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  public int size() {
    return bytes.length;
  }

  public boolean isEmpty() {
    return bytes.length == 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bytes b && Arrays.equals(b.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** The size and the first few bytes in hex, e.g. {@code 12 bytes 0a1b2c3d4e5f6071..}. */
  @Override
  public String toString() {
    String head = HexFormat.of().formatHex(bytes, 0, Math.min(SHOWN, bytes.length));
    return bytes.length + " bytes " + head + (bytes.length > SHOWN ? ".." : "");
  }
}
