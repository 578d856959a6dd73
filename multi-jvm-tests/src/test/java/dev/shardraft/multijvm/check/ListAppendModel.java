package dev.shardraft.multijvm.check;

import java.util.ArrayList;
import java.util.List;

/** A list of longs that only grows: append a value, read the whole list. */
public final class ListAppendModel implements Model<List<Long>> {

  @Override
  public List<Long> init() {
    return List.of();
  }

  @Override
  public List<List<Long>> step(List<Long> state, Operation op) {
    return switch (op.f()) {
      case READ -> state.equals(op.output()) ? List.of(state) : List.of();
      case APPEND -> {
        List<Long> next = new ArrayList<>(state);
        next.add((Long) op.input());
        List<Long> appended = List.copyOf(next);
        yield op.unknown() ? List.of(appended, state) : List.of(appended);
      }
      case WRITE, CAS -> throw new IllegalArgumentException(op.f() + " on list key: " + op);
    };
  }
}
