package dev.shardraft.sample.shop.domain;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import dev.shardraft.raft.port.StateMachine;
import java.io.IOException;
import java.util.Objects;

/**
 * A {@link StateMachine.Codec} of one type by Jackson, as CBOR ({@link #cbor}: commands, replies,
 * state) or JSON ({@link #json}: events other services read). Decoding is strict: unknown or
 * missing properties, unknown type names, trailing bytes and nulls for primitives are malformed
 * input, and every malformed input becomes an {@link IllegalArgumentException} naming the type, as
 * the port's contract asks (the applier then rejects the command instead of failing the replica).
 *
 * @param <T> the encoded type; polymorphic types carry their subtype as a name
 *     ({@code @JsonTypeInfo(use = NAME)}), never as a class name
 */
public final class JacksonCodec<T> implements StateMachine.Codec<T> {

  private static final ObjectMapper CBOR = strict(CBORMapper.builder());
  private static final ObjectMapper JSON = strict(JsonMapper.builder());

  private final ObjectMapper mapper;
  private final String format;
  private final Class<T> type;

  private JacksonCodec(ObjectMapper mapper, String format, Class<T> type) {
    this.mapper = mapper;
    this.format = format;
    this.type = Objects.requireNonNull(type, "type");
  }

  /** {@code type} as CBOR. */
  public static <T> JacksonCodec<T> cbor(Class<T> type) {
    return new JacksonCodec<>(CBOR, "CBOR", type);
  }

  /** {@code type} as JSON (UTF-8). */
  public static <T> JacksonCodec<T> json(Class<T> type) {
    return new JacksonCodec<>(JSON, "JSON", type);
  }

  private static ObjectMapper strict(MapperBuilder<?, ?> builder) {
    return builder
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .addModule(new Jdk8Module())
        .build();
  }

  @Override
  public byte[] encode(T value) {
    Objects.requireNonNull(value, "value");
    try {
      return mapper.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + value + " as " + type.getSimpleName(), e);
    }
  }

  /**
   * Decodes {@code bytes}.
   *
   * @throws IllegalArgumentException if the bytes are not a valid encoding of the type (including
   *     values its constructors refuse)
   */
  @Override
  public T decode(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      throw new IllegalArgumentException("malformed " + type.getSimpleName() + ": no bytes");
    }
    T value;
    try {
      value = mapper.readValue(bytes, type);
    } catch (JacksonException e) {
      throw malformed(bytes, e.getOriginalMessage(), e);
    } catch (IOException | RuntimeException e) {
      throw malformed(bytes, String.valueOf(e.getMessage()), e);
    }
    if (value == null) {
      throw new IllegalArgumentException("malformed " + type.getSimpleName() + ": null value");
    }
    return value;
  }

  private IllegalArgumentException malformed(byte[] bytes, String message, Exception cause) {
    String first = message == null ? "unreadable" : message.lines().findFirst().orElse(message);
    return new IllegalArgumentException(
        "malformed " + type.getSimpleName() + " (" + bytes.length + " bytes): " + first, cause);
  }

  @Override
  public String toString() {
    return "JacksonCodec[" + format + " " + type.getSimpleName() + "]";
  }
}
