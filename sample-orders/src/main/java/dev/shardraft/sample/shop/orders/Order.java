package dev.shardraft.sample.shop.orders;

import java.util.ArrayList;
import java.util.List;

/**
 * One order. Immutable; every change makes a new value.
 *
 * @param amountCents what the customer pays, in cents
 * @param reason why it was rejected or cancelled ("" otherwise)
 * @param audit every command applied to this order, in log order, accepted or refused
 */
public record Order(
    String orderId,
    String customer,
    List<OrderLine> lines,
    long amountCents,
    OrderStatus status,
    String reason,
    List<AuditEntry> audit) {

  public Order {
    lines = List.copyOf(lines);
    audit = List.copyOf(audit);
  }

  Order moved(OrderStatus next, String why, AuditEntry entry) {
    return new Order(orderId, customer, lines, amountCents, next, why, appended(entry));
  }

  Order audited(AuditEntry entry) {
    return new Order(orderId, customer, lines, amountCents, status, reason, appended(entry));
  }

  private List<AuditEntry> appended(AuditEntry entry) {
    List<AuditEntry> all = new ArrayList<>(audit);
    all.add(entry);
    return all;
  }

  /** How often a command of this type was accepted for the order. */
  public long accepted(String command) {
    return audit.stream().filter(a -> a.accepted() && a.command().equals(command)).count();
  }
}
