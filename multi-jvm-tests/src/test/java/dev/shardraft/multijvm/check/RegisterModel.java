package dev.shardraft.multijvm.check;

import java.util.List;
import java.util.Objects;

/**
 * A register of longs, null before the first write: read, write, compare-and-set ({@code [expected,
 * new]}; a cas that completed {@code ok} applied, one that failed never reaches the checker, one of
 * unknown outcome applied or not).
 */
public final class RegisterModel implements Model<RegisterModel.Value> {

  /** The register's value; {@code value == null}: never written. */
  public record Value(Long value) {
    @Override
    public String toString() {
      return String.valueOf(value);
    }
  }

  @Override
  public Value init() {
    return new Value(null);
  }

  @Override
  public List<Value> step(Value state, Operation op) {
    return switch (op.f()) {
      case READ -> Objects.equals(state.value(), op.output()) ? List.of(state) : List.of();
      case WRITE -> {
        Value written = new Value((Long) op.input());
        yield op.unknown() && !written.equals(state) ? List.of(written, state) : List.of(written);
      }
      case CAS -> {
        List<?> args = (List<?>) op.input();
        boolean matches = Objects.equals(state.value(), args.get(0));
        Value swapped = new Value((Long) args.get(1));
        if (!op.unknown()) {
          yield matches ? List.of(swapped) : List.of();
        }
        yield matches && !swapped.equals(state) ? List.of(swapped, state) : List.of(state);
      }
      case APPEND -> throw new IllegalArgumentException("append on register key: " + op);
    };
  }
}
