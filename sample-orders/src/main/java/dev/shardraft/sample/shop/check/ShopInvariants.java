package dev.shardraft.sample.shop.check;

import dev.shardraft.kafka.config.KafkaSettings;
import dev.shardraft.kafka.projection.EventRecords;
import dev.shardraft.raft.core.ReadMode;
import dev.shardraft.runtime.ShardedRaft;
import dev.shardraft.sample.shop.inventory.InventoryCodecs;
import dev.shardraft.sample.shop.inventory.InventoryCommand;
import dev.shardraft.sample.shop.inventory.InventoryQuery;
import dev.shardraft.sample.shop.inventory.InventoryQueryResult;
import dev.shardraft.sample.shop.inventory.InventoryReply;
import dev.shardraft.sample.shop.inventory.Reservation;
import dev.shardraft.sample.shop.inventory.Stock;
import dev.shardraft.sample.shop.orders.AuditEntry;
import dev.shardraft.sample.shop.orders.Order;
import dev.shardraft.sample.shop.orders.OrderCodecs;
import dev.shardraft.sample.shop.orders.OrderCommand;
import dev.shardraft.sample.shop.orders.OrderLine;
import dev.shardraft.sample.shop.orders.OrderQuery;
import dev.shardraft.sample.shop.orders.OrderQueryResult;
import dev.shardraft.sample.shop.orders.OrderReply;
import dev.shardraft.sample.shop.orders.OrderStatus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * The shop's invariants, checked from what is committed: the state of every {@code orders-<k>} and
 * {@code inventory-<k>} group (a linearizable read of each group's whole state) and every event of
 * the events topic ({@code read_committed}, from the start). Runnable at any time: while the saga
 * or the projection is behind, what they have still to do is counted as <em>pending</em>, not as a
 * violation; {@link Report#settled()} says whether nothing is pending.
 *
 * <p>Checked (each violation is a line of {@link Report#violations()}):
 *
 * <ul>
 *   <li><b>stock</b>: for every SKU {@code restocked = available + reserved + shipped} (the initial
 *       stock is a restock), none negative, {@code reserved} the sum of its RESERVED reservations
 *       and {@code shipped} that of its COMMITTED ones; with the caller's tally of acknowledged
 *       restocks, {@code restocked} equals it;
 *   <li><b>orders and stock agree</b>: a RESERVED or PAID order holds a RESERVED reservation of
 *       exactly each line's quantity, a SHIPPED one a COMMITTED one, a REJECTED or CANCELLED one
 *       none (pending while the saga has not released it yet), a PLACED one is waiting for the saga
 *       (pending); no reservation holds stock for an order that does not exist or does not have
 *       that line;
 *   <li><b>no command twice</b>: every order's audit (which records each command applied at its log
 *       index) has each command type accepted at most once: in particular no order is charged
 *       twice;
 *   <li><b>no event lost or duplicated</b>: the events of each order on the topic are exactly one
 *       per accepted command, in log order, each carrying the group and log index of its command
 *       ({@code sr.shard}, {@code sr.index}); a shorter list is pending (the projection is behind);
 *       no (group, index) twice; no event of an unknown order;
 *   <li><b>acknowledged means committed</b>: with the caller's record of the commands it got an
 *       acceptance for, each such command is accepted in the order's audit.
 * </ul>
 */
public final class ShopInvariants {

  private static final Map<String, String> EVENT_OF_COMMAND =
      Map.of(
          "place", "OrderPlaced",
          "confirm", "StockConfirmed",
          "reject", "StockRejected",
          "pay", "OrderPaid",
          "ship", "OrderShipped",
          "cancel", "OrderCancelled");

  private final ShardedRaft<OrderCommand, OrderReply> orders;
  private final ShardedRaft<InventoryCommand, InventoryReply> inventory;
  private final KafkaSettings kafka;
  private final String eventsTopic;
  private final String sagaGroup;
  private final Duration timeout;

  public ShopInvariants(
      ShardedRaft<OrderCommand, OrderReply> orders,
      ShardedRaft<InventoryCommand, InventoryReply> inventory,
      KafkaSettings kafka,
      String eventsTopic,
      String sagaGroup,
      Duration timeout) {
    this.orders = orders;
    this.inventory = inventory;
    this.kafka = kafka;
    this.eventsTopic = eventsTopic;
    this.sagaGroup = sagaGroup;
    this.timeout = timeout;
  }

  /** What a client was told: accepted commands per order id (command names as in the audit). */
  public record Acknowledged(Map<String, Set<String>> commands, Map<String, Long> restocks) {
    public static Acknowledged none() {
      return new Acknowledged(Map.of(), Map.of());
    }
  }

  /** One check's result. */
  public record Report(
      List<String> violations,
      Map<OrderStatus, Long> ordersByStatus,
      int skus,
      long events,
      long pendingSaga,
      long pendingEvents,
      long sagaLag,
      long acknowledgedChecked) {

    public boolean ok() {
      return violations.isEmpty();
    }

    /** Nothing left for the saga or the projection to do. */
    public boolean settled() {
      return pendingSaga == 0 && pendingEvents == 0 && sagaLag == 0;
    }

    /** A few lines for people. */
    public String summary() {
      StringBuilder b = new StringBuilder();
      b.append(String.format("  orders by status   %s%n", ordersByStatus));
      b.append(String.format("  skus               %d%n", skus));
      b.append(String.format("  events on topic    %d%n", events));
      b.append(
          String.format(
              "  pending            saga %d, events %d, saga lag %d%n",
              pendingSaga, pendingEvents, sagaLag));
      b.append(String.format("  acknowledged ok    %d commands%n", acknowledgedChecked));
      b.append(String.format("  violations         %d%n", violations.size()));
      violations.stream().limit(20).forEach(v -> b.append("    ").append(v).append('\n'));
      return b.toString();
    }
  }

  /** Checks once. */
  public Report check(Acknowledged acknowledged) throws Exception {
    List<String> violations = new ArrayList<>();
    // In this order, so that each later read can only be further along than an earlier one: the
    // events (a prefix of what the orders' audits say), then the orders, then the stock.
    Map<String, List<ConsumerRecord<byte[], byte[]>>> events = readEvents();
    Map<String, Order> allOrders = readOrders();
    Map<String, Stock> allStock = readStock();
    long pendingSaga = 0;

    // stock
    for (Stock s : allStock.values()) {
      if (s.available() < 0 || s.reserved() < 0 || s.shipped() < 0) {
        violations.add("stock " + s.sku() + " has a negative figure: " + s.level());
      }
      if (s.restocked() != s.available() + s.reserved() + s.shipped()) {
        violations.add(
            "stock " + s.sku() + ": restocked != available + reserved + shipped: " + s.level());
      }
      long reserved = 0;
      long shipped = 0;
      for (Reservation r : s.reservations()) {
        if (r.state() == Reservation.State.RESERVED) {
          reserved += r.quantity();
        } else if (r.state() == Reservation.State.COMMITTED) {
          shipped += r.quantity();
        }
        if (r.state() != Reservation.State.RELEASED) {
          Order o = allOrders.get(r.orderId());
          if (o == null) {
            pendingSaga++; // placed and reserved after the orders were read; else never settles
          } else if (quantity(o, s.sku()) != r.quantity()) {
            violations.add(
                "stock " + s.sku() + " holds " + r + " for " + " for an order without that line");
          }
        }
      }
      if (reserved != s.reserved() || shipped != s.shipped()) {
        violations.add(
            "stock " + s.sku() + ": figures do not match its reservations: " + s.level());
      }
    }
    for (Map.Entry<String, Long> e : acknowledged.restocks().entrySet()) {
      Stock s = allStock.get(e.getKey());
      long restocked = s == null ? 0 : s.restocked();
      if (restocked != e.getValue()) {
        violations.add(
            "stock "
                + e.getKey()
                + ": restocked "
                + restocked
                + " but "
                + e.getValue()
                + " acknowledged");
      }
    }

    // orders against stock, and commands at most once
    Map<OrderStatus, Long> byStatus = new EnumMap<>(OrderStatus.class);
    for (OrderStatus st : OrderStatus.values()) {
      byStatus.put(st, 0L);
    }
    for (Order o : allOrders.values()) {
      byStatus.merge(o.status(), 1L, Long::sum);
      for (String command : EVENT_OF_COMMAND.keySet()) {
        if (o.accepted(command) > 1) {
          violations.add(
              "order " + o.orderId() + ": " + command + " accepted " + o.accepted(command) + "x");
        }
      }
      boolean waiting = false;
      for (OrderLine l : o.lines()) {
        Reservation.State r = reservation(allStock, l.sku(), o.orderId(), l.quantity());
        OrderStatus st = o.status();
        // what the saga ends with, and what a later read of the stock may also show: the stock is
        // read after the order, so the order may have moved on meanwhile (shipped, cancelled)
        Reservation.State settled;
        Set<Reservation.State> possible = new HashSet<>();
        possible.add(r);
        if (st == OrderStatus.PLACED) {
          settled = null; // the saga has still to reserve and decide: never settled
        } else if (st.holdsStock()) {
          settled = Reservation.State.RESERVED;
          possible =
              new HashSet<>(
                  Set.of(
                      Reservation.State.RESERVED,
                      Reservation.State.COMMITTED,
                      Reservation.State.RELEASED));
        } else if (st == OrderStatus.SHIPPED) {
          settled = Reservation.State.COMMITTED;
          possible = new HashSet<>(Set.of(Reservation.State.RESERVED, Reservation.State.COMMITTED));
        } else { // REJECTED, CANCELLED: a line may not have been reserved at all
          settled = Reservation.State.RELEASED;
          possible = new HashSet<>(Set.of(Reservation.State.RESERVED, Reservation.State.RELEASED));
          possible.add(null);
        }
        if (!possible.contains(r)) {
          violations.add("order " + o.orderId() + " is " + st + " but its " + l.sku() + " is " + r);
        } else if (r != settled || settled == null) {
          waiting = true;
        }
      }
      if (waiting) {
        pendingSaga++;
      }
    }

    // acknowledged means committed
    long acknowledgedChecked = 0;
    for (Map.Entry<String, Set<String>> e : acknowledged.commands().entrySet()) {
      Order o = allOrders.get(e.getKey());
      for (String command : e.getValue()) {
        acknowledgedChecked++;
        if (o == null || o.accepted(command) != 1) {
          violations.add(
              "acknowledged "
                  + command
                  + " of "
                  + e.getKey()
                  + " is not in the committed state (lost)");
        }
      }
    }

    // events: one per accepted command, in log order, none lost or duplicated
    long eventCount = 0;
    long pendingEvents = 0;
    Set<String> positions = new HashSet<>();
    for (Map.Entry<String, List<ConsumerRecord<byte[], byte[]>>> e : events.entrySet()) {
      for (ConsumerRecord<byte[], byte[]> r : e.getValue()) {
        eventCount++;
        String position = header(r, EventRecords.SHARD) + "@" + index(r);
        if (!positions.add(position)) {
          violations.add("event at " + position + " is on the topic twice (duplicated)");
        }
      }
      if (!allOrders.containsKey(e.getKey())) {
        violations.add("events of an unknown order " + e.getKey());
      }
    }
    for (Order o : allOrders.values()) {
      List<AuditEntry> accepted = o.audit().stream().filter(AuditEntry::accepted).toList();
      List<ConsumerRecord<byte[], byte[]>> seen = events.getOrDefault(o.orderId(), List.of());
      String group = orders.groupFor(o.orderId());
      for (int i = 0; i < Math.max(accepted.size(), seen.size()); i++) {
        if (i >= seen.size()) {
          pendingEvents += accepted.size() - seen.size(); // the projection is behind
          break;
        }
        ConsumerRecord<byte[], byte[]> r = seen.get(i);
        if (i >= accepted.size()) {
          violations.add(
              "order " + o.orderId() + ": event " + describe(r) + " has no accepted command");
          continue;
        }
        AuditEntry a = accepted.get(i);
        String type = EVENT_OF_COMMAND.get(a.command());
        if (!type.equals(header(r, EventRecords.TYPE))
            || !group.equals(header(r, EventRecords.SHARD))
            || a.index() != index(r)
            || !type.equals(OrderCodecs.EVENTS.decode(r.value()).typeName())) {
          violations.add(
              "order "
                  + o.orderId()
                  + ": event "
                  + (i + 1)
                  + " is "
                  + describe(r)
                  + " but command "
                  + a.command()
                  + " was accepted at "
                  + group
                  + "@"
                  + a.index()
                  + " (lost, duplicated or out of order)");
        }
      }
    }
    return new Report(
        violations,
        byStatus,
        allStock.size(),
        eventCount,
        pendingSaga,
        pendingEvents,
        sagaLag(events),
        acknowledgedChecked);
  }

  /**
   * Checks until nothing is pending (or {@code patience} passed) and returns the last report; a
   * report not {@link Report#settled()} at the end means the saga or the projection did not catch
   * up in time.
   */
  public Report awaitSettled(Acknowledged acknowledged, Duration patience) throws Exception {
    long end = System.nanoTime() + patience.toNanos();
    while (true) {
      Report r = check(acknowledged);
      if ((r.settled() && r.ok()) || System.nanoTime() - end > 0) {
        return r;
      }
      Thread.sleep(500);
    }
  }

  private static int quantity(Order o, String sku) {
    return o.lines().stream().filter(l -> l.sku().equals(sku)).mapToInt(OrderLine::quantity).sum();
  }

  private static Reservation.State reservation(
      Map<String, Stock> stock, String sku, String orderId, int quantity) {
    Stock s = stock.get(sku);
    if (s == null) {
      return null;
    }
    return s.reservations().stream()
        .filter(r -> r.orderId().equals(orderId))
        .filter(r -> r.state() == Reservation.State.RELEASED || r.quantity() == quantity)
        .map(Reservation::state)
        .findFirst()
        .orElse(null);
  }

  private Map<String, Order> readOrders() throws Exception {
    Map<String, Order> all = new TreeMap<>();
    for (String key : keyPerGroup(orders::groupFor, orders.groups().groups())) {
      byte[] bytes =
          orders
              .read(
                  key,
                  OrderCodecs.QUERIES.encode(new OrderQuery.AllOrders()),
                  ReadMode.LINEARIZABLE,
                  timeout)
              .toCompletableFuture()
              .get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
      OrderQueryResult.Book book = (OrderQueryResult.Book) OrderCodecs.QUERY_RESULTS.decode(bytes);
      book.state().orders().forEach(o -> all.put(o.orderId(), o));
    }
    return all;
  }

  private Map<String, Stock> readStock() throws Exception {
    Map<String, Stock> all = new TreeMap<>();
    for (String key : keyPerGroup(inventory::groupFor, inventory.groups().groups())) {
      byte[] bytes =
          inventory
              .read(
                  key,
                  InventoryCodecs.QUERIES.encode(new InventoryQuery.AllStock()),
                  ReadMode.LINEARIZABLE,
                  timeout)
              .toCompletableFuture()
              .get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
      InventoryQueryResult.All state =
          (InventoryQueryResult.All) InventoryCodecs.QUERY_RESULTS.decode(bytes);
      state.state().stock().forEach(s -> all.put(s.sku(), s));
    }
    return all;
  }

  /** One key that maps to each group (the reads are addressed by key). */
  static List<String> keyPerGroup(Function<String, String> groupFor, List<String> groups) {
    Map<String, String> found = new LinkedHashMap<>();
    for (int i = 0; found.size() < groups.size(); i++) {
      if (i > 1_000_000) {
        throw new IllegalStateException("no key found for every group of " + groups);
      }
      found.putIfAbsent(groupFor.apply("probe-" + i), "probe-" + i);
    }
    return List.copyOf(found.values());
  }

  /** Every event of the topic, by key (order id), in offset order. */
  private Map<String, List<ConsumerRecord<byte[], byte[]>>> readEvents() {
    Map<String, List<ConsumerRecord<byte[], byte[]>>> byOrder = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(kafka.consumerProperties(null))) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(eventsTopic, timeout).stream()
              .map(p -> new TopicPartition(eventsTopic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
      long deadline = System.nanoTime() + timeout.toNanos() * 4;
      while (partitions.stream().anyMatch(p -> consumer.position(p, timeout) < end.get(p))) {
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException("reading " + eventsTopic + " to its end took too long");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
          byOrder.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
        }
      }
    }
    return byOrder;
  }

  /**
   * Events of the topic (as read above) at or after the saga's committed offset of their partition.
   * Counted from the records, not from end offsets: a transactional topic's end offset also counts
   * the commit markers, which a consumer never receives.
   */
  private long sagaLag(Map<String, List<ConsumerRecord<byte[], byte[]>>> events) throws Exception {
    try (Admin admin = Admin.create(kafka.adminProperties())) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(sagaGroup)
              .partitionsToOffsetAndMetadata()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      long lag = 0;
      for (List<ConsumerRecord<byte[], byte[]>> records : events.values()) {
        for (ConsumerRecord<byte[], byte[]> r : records) {
          OffsetAndMetadata c = committed.get(new TopicPartition(r.topic(), r.partition()));
          if (c == null || r.offset() >= c.offset()) {
            lag++;
          }
        }
      }
      return lag;
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static long index(ConsumerRecord<byte[], byte[]> r) {
    Header h = r.headers().lastHeader(EventRecords.INDEX);
    return h == null || h.value().length != 8 ? -1 : ByteBuffer.wrap(h.value()).getLong();
  }

  private static String describe(ConsumerRecord<byte[], byte[]> r) {
    return header(r, EventRecords.TYPE) + " at " + header(r, EventRecords.SHARD) + "@" + index(r);
  }
}
