package dev.shardraft.multijvm.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A list of longs that only grows: append a value, read the whole list.
 *
 * <p>The order of appends is decided lazily, so the checker's memo stays small: the state is the
 * list as last read ({@code prefix}) and the set of values appended since ({@code unread}, in no
 * order). A read must show the prefix, then exactly the unread values in an order that respects
 * real time (an append that returned before another was invoked comes first); it then becomes the
 * new prefix. Without this, every order of appends that no read has seen yet would be a state of
 * its own (k concurrent appends: k! states), which ran out of memory on a chaos segment.
 */
public final class ListAppendModel implements Model<ListAppendModel.ListState> {

  /** One append not yet seen by a read: its value and its interval. */
  public record Unread(long value, long call, long ret) {}

  /** The list as last read, and the values appended since (unordered). */
  public record ListState(List<Long> prefix, Set<Unread> unread) {
    @Override
    public String toString() {
      return unread.isEmpty()
          ? prefix.toString()
          : prefix + " + unordered " + unread.stream().map(Unread::value).sorted().toList();
    }
  }

  @Override
  public ListState init() {
    return new ListState(List.of(), Set.of());
  }

  @Override
  public List<ListState> step(ListState state, Operation op) {
    return switch (op.f()) {
      case READ -> read(state, op);
      case APPEND -> {
        Set<Unread> next = new HashSet<>(state.unread());
        next.add(new Unread((Long) op.input(), op.call(), op.ret()));
        ListState appended = new ListState(state.prefix(), Set.copyOf(next));
        yield op.unknown() ? List.of(appended, state) : List.of(appended);
      }
      case WRITE, CAS -> throw new IllegalArgumentException(op.f() + " on list key: " + op);
    };
  }

  private static List<ListState> read(ListState state, Operation op) {
    if (!(op.output() instanceof List<?> seen)) {
      return List.of();
    }
    List<Long> prefix = state.prefix();
    if (seen.size() != prefix.size() + state.unread().size()
        || !seen.subList(0, prefix.size()).equals(prefix)) {
      return List.of();
    }
    Map<Long, Unread> byValue = new HashMap<>();
    state.unread().forEach(u -> byValue.put(u.value(), u));
    List<Unread> tail = new ArrayList<>();
    for (Object v : seen.subList(prefix.size(), seen.size())) {
      Unread u = v instanceof Long l ? byValue.remove(l) : null;
      if (u == null) {
        return List.of();
      }
      tail.add(u);
    }
    for (int i = 0; i < tail.size(); i++) {
      for (int j = i + 1; j < tail.size(); j++) {
        if (tail.get(j).ret() < tail.get(i).call()) {
          return List.of();
        }
      }
    }
    List<Long> next = new ArrayList<>(prefix.size() + tail.size());
    for (Object v : seen) {
      next.add((Long) v);
    }
    return List.of(new ListState(List.copyOf(next), Set.of()));
  }
}
