package dev.shardraft.multijvm.check;

import java.util.List;

/**
 * A sequential specification of one key for {@link LinearizabilityChecker}. States must be
 * immutable values ({@code equals}/{@code hashCode}): the checker memoises on them.
 *
 * @param <S> the state type
 */
public interface Model<S> {
  S init();

  /**
   * The states the key may be in after {@code op} takes effect in {@code state}: empty when {@code
   * op}'s observed outcome is impossible there; more than one when its outcome is unknown (it took
   * effect, or it did not).
   */
  List<S> step(S state, Operation op);

  /**
   * The model for {@code ops}: list-append if any operation appends or any read returned a list (a
   * list key whose history has only reads), else a register.
   */
  static Model<?> forKey(List<Operation> ops) {
    return ops.stream()
            .anyMatch(
                o ->
                    o.f() == dev.shardraft.multijvm.history.Op.F.APPEND
                        || (o.f() == dev.shardraft.multijvm.history.Op.F.READ
                            && o.output() instanceof List<?>))
        ? new ListAppendModel()
        : new RegisterModel();
  }
}
