package dev.shardraft.sample.orders;

import java.util.ArrayList;
import java.util.List;

/**
 * One order in the book. Immutable; every change makes a new value.
 *
 * @param audit every command applied to this order, in log order, accepted or refused
 */
public record Order(
    String orderId,
    String customer,
    List<OrderLine> lines,
    long totalCents,
    long paidCents,
    OrderStatus status,
    List<AuditEntry> audit) {

  public Order {
    lines = List.copyOf(lines);
    audit = List.copyOf(audit);
  }

  /** This order in {@code next} status, with {@code paid} cents paid. */
  Order with(OrderStatus next, long paid, AuditEntry entry) {
    return new Order(orderId, customer, lines, totalCents, paid, next, appended(entry));
  }

  /** This order with one more (refused) audit entry. */
  Order audited(AuditEntry entry) {
    return new Order(orderId, customer, lines, totalCents, paidCents, status, appended(entry));
  }

  private List<AuditEntry> appended(AuditEntry entry) {
    List<AuditEntry> all = new ArrayList<>(audit);
    all.add(entry);
    return all;
  }

  /** How many times a command of this type was applied to the order (accepted or refused). */
  public long applications(String command) {
    return audit.stream().filter(a -> a.command().equals(command)).count();
  }
}
