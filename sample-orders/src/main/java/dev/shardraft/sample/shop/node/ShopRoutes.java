package dev.shardraft.sample.shop.node;

import static dev.shardraft.sample.shop.node.HttpJson.error;
import static dev.shardraft.sample.shop.node.HttpJson.json;
import static dev.shardraft.sample.shop.node.ShopRequests.required;

import dev.shardraft.raft.core.ReadMode;
import dev.shardraft.runtime.ShardedRaft;
import dev.shardraft.runtime.ShardedRaftException;
import dev.shardraft.sample.shop.check.ShopInvariants;
import dev.shardraft.sample.shop.domain.Refusal;
import dev.shardraft.sample.shop.inventory.InventoryCodecs;
import dev.shardraft.sample.shop.inventory.InventoryCommand;
import dev.shardraft.sample.shop.inventory.InventoryQuery;
import dev.shardraft.sample.shop.inventory.InventoryQueryResult;
import dev.shardraft.sample.shop.inventory.InventoryReply;
import dev.shardraft.sample.shop.orders.Order;
import dev.shardraft.sample.shop.orders.OrderCodecs;
import dev.shardraft.sample.shop.orders.OrderCommand;
import dev.shardraft.sample.shop.orders.OrderLine;
import dev.shardraft.sample.shop.orders.OrderQuery;
import dev.shardraft.sample.shop.orders.OrderQueryResult;
import dev.shardraft.sample.shop.orders.OrderReply;
import dev.shardraft.sample.shop.orders.OrderStatus;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.pattern.Patterns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's HTTP API. Any node answers for any order or SKU (the runtime routes to the group's
 * leader). Answers are JSON; errors are {@code {"error": "..."}} with 400 (malformed JSON, unknown
 * or missing fields, invalid values), 404 (unknown order or SKU, unknown path), 405, 409 (a
 * transition the order's lifecycle forbids, not enough stock) or 503 (the group has no leader in
 * time or the outcome is unknown: repeat the same request, every step is idempotent), never a stack
 * trace.
 */
public final class ShopRoutes extends AllDirectives {
  private static final Logger LOG = LoggerFactory.getLogger(ShopRoutes.class);

  private final ShardedRaft<OrderCommand, OrderReply> orders;
  private final ShardedRaft<InventoryCommand, InventoryReply> inventory;
  private final ActorSystem<?> system;
  private final Duration placeWait;
  private final ShopInvariants invariants;
  private final Executor checks =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "shop-invariants-check");
            t.setDaemon(true);
            return t;
          });
  private final ShopStatus status;
  private final PrometheusMeterRegistry metrics;
  private final Duration timeout;

  public ShopRoutes(
      ShardedRaft<OrderCommand, OrderReply> orders,
      ShardedRaft<InventoryCommand, InventoryReply> inventory,
      ShopStatus status,
      PrometheusMeterRegistry metrics,
      Duration timeout,
      ActorSystem<?> system,
      Duration placeWait,
      ShopInvariants invariants) {
    this.invariants = invariants;
    this.orders = orders;
    this.inventory = inventory;
    this.system = system;
    this.placeWait = placeWait;
    this.status = status;
    this.metrics = metrics;
    this.timeout = timeout;
  }

  public Route routes() {
    return handleExceptions(
        ExceptionHandler.newBuilder().matchAny(this::unexpected).build(),
        () ->
            handleRejections(
                RejectionHandler.defaultHandler().mapRejectionResponse(ShopRoutes::asJsonError),
                () ->
                    concat(
                        pathSingleSlash(
                            () ->
                                get(
                                    () ->
                                        getFromResource(
                                            "shop/status.html", ContentTypes.TEXT_HTML_UTF8))),
                        path("status", () -> get(() -> completeWithFuture(statusJson()))),
                        path(
                            "metrics",
                            () ->
                                get(
                                    () ->
                                        complete(
                                            HttpResponse.create()
                                                .withEntity(
                                                    HttpEntities.create(
                                                        ContentTypes.TEXT_PLAIN_UTF8,
                                                        metrics.scrape()))))),
                        path(
                            "check",
                            () ->
                                post(
                                    () ->
                                        optionalBody(
                                            ShopInvariants.Acknowledged.class, this::check))),
                        pathPrefix("orders", this::orderRoutes),
                        pathPrefix("inventory", this::inventoryRoutes))));
  }

  private Route orderRoutes() {
    return concat(
        pathEnd(() -> post(() -> body(ShopRequests.PlaceOrder.class, this::place))),
        pathPrefix(
            PathMatchers.segment(),
            id ->
                concat(
                    pathEnd(() -> get(() -> completeWithFuture(order(id)))),
                    path(
                        "pay",
                        () ->
                            post(
                                () ->
                                    body(
                                        ShopRequests.Pay.class,
                                        p ->
                                            orderAnswer(
                                                orders.ask(
                                                    id,
                                                    new OrderCommand.Pay(
                                                        id,
                                                        required("amountCents", p.amountCents())),
                                                    timeout),
                                                StatusCodes.OK)))),
                    path(
                        "ship",
                        () ->
                            post(
                                () ->
                                    completeWithFuture(
                                        orderAnswer(
                                            orders.ask(id, new OrderCommand.Ship(id), timeout),
                                            StatusCodes.OK)))),
                    path(
                        "cancel",
                        () ->
                            post(
                                () ->
                                    optionalBody(
                                        ShopRequests.Cancel.class,
                                        c ->
                                            orderAnswer(
                                                orders.ask(
                                                    id,
                                                    new OrderCommand.Cancel(
                                                        id,
                                                        c == null || c.reason() == null
                                                            ? "cancelled by the customer"
                                                            : c.reason()),
                                                    timeout),
                                                StatusCodes.OK)))))));
  }

  private Route inventoryRoutes() {
    return pathPrefix(
        PathMatchers.segment(),
        sku ->
            concat(
                pathEnd(() -> get(() -> completeWithFuture(stock(sku)))),
                path(
                    "restock",
                    () ->
                        post(
                            () ->
                                body(
                                    ShopRequests.Restock.class,
                                    r ->
                                        inventoryAnswer(
                                            inventory.ask(
                                                sku,
                                                new InventoryCommand.Restock(
                                                    sku, required("quantity", r.quantity())),
                                                timeout)))))));
  }

  /** Reads the body as {@code type} and answers with what {@code handle} gives, or a 400. */
  private <T> Route body(Class<T> type, Function<T, CompletionStage<HttpResponse>> handle) {
    return entity(
        Unmarshaller.entityToString(),
        text -> completeWithFuture(guarded(() -> handle.apply(HttpJson.read(text, type)))));
  }

  /** As {@link #body}, but an empty body gives {@code null} to {@code handle}. */
  private <T> Route optionalBody(Class<T> type, Function<T, CompletionStage<HttpResponse>> handle) {
    return entity(
        Unmarshaller.entityToString(),
        text ->
            completeWithFuture(
                guarded(() -> handle.apply(text.isBlank() ? null : HttpJson.read(text, type)))));
  }

  /** Runs {@code s}; a bad request or a refused value (the domain's records check) gives 400. */
  private static CompletionStage<HttpResponse> guarded(Supplier<CompletionStage<HttpResponse>> s) {
    try {
      return s.get();
    } catch (HttpJson.BadRequest | IllegalArgumentException e) {
      return CompletableFuture.completedFuture(error(StatusCodes.BAD_REQUEST, e.getMessage()));
    }
  }

  private CompletionStage<HttpResponse> place(ShopRequests.PlaceOrder p) {
    var lines =
        required("lines", p.lines()).stream()
            .map(
                l ->
                    new OrderLine(
                        required("lines[].sku", l == null ? null : l.sku()),
                        required("lines[].quantity", l.quantity())))
            .toList();
    OrderCommand.Place place =
        new OrderCommand.Place(
            required("orderId", p.orderId()),
            required("customer", p.customer()),
            lines,
            required("amountCents", p.amountCents()));
    return orders
        .ask(place.orderId(), place, timeout)
        .thenCompose(
            r ->
                r instanceof OrderReply.Accepted a && a.order().status() == OrderStatus.PLACED
                    ? decided(a.order(), System.nanoTime() + placeWait.toNanos())
                    : orderAnswer(CompletableFuture.completedFuture(r), StatusCodes.CREATED))
        .exceptionally(ShopRoutes::failure);
  }

  /**
   * Reads the placed order until the saga decided its stock (201 with it) or {@code place-wait}
   * passed (202 with the order still PLACED: the saga decides it later).
   */
  private CompletionStage<HttpResponse> decided(Order placed, long deadline) {
    if (placed.status() != OrderStatus.PLACED) {
      return CompletableFuture.completedFuture(json(StatusCodes.CREATED, placed));
    }
    if (System.nanoTime() - deadline >= 0) {
      return CompletableFuture.completedFuture(json(StatusCodes.ACCEPTED, placed));
    }
    return Patterns.after(
            Duration.ofMillis(20),
            system.classicSystem().scheduler(),
            system.executionContext(),
            () -> readOrder(placed.orderId()))
        .thenCompose(o -> decided(o, deadline));
  }

  private CompletionStage<Order> readOrder(String id) {
    return orders
        .read(
            id,
            OrderCodecs.QUERIES.encode(new OrderQuery.GetOrder(id)),
            ReadMode.LINEARIZABLE,
            timeout)
        .thenApply(
            bytes ->
                ((OrderQueryResult.OrderFound) OrderCodecs.QUERY_RESULTS.decode(bytes)).order());
  }

  private CompletionStage<HttpResponse> order(String id) {
    return orders
        .read(
            id,
            OrderCodecs.QUERIES.encode(new OrderQuery.GetOrder(id)),
            ReadMode.LINEARIZABLE,
            timeout)
        .thenApply(
            bytes -> {
              OrderQueryResult r = OrderCodecs.QUERY_RESULTS.decode(bytes);
              if (r instanceof OrderQueryResult.OrderFound f) {
                return json(StatusCodes.OK, f.order());
              }
              return error(StatusCodes.NOT_FOUND, "no order " + id);
            })
        .exceptionally(ShopRoutes::failure);
  }

  private CompletionStage<HttpResponse> stock(String sku) {
    return inventory
        .read(
            sku,
            InventoryCodecs.QUERIES.encode(new InventoryQuery.GetStock(sku)),
            ReadMode.LINEARIZABLE,
            timeout)
        .thenApply(
            bytes -> {
              InventoryQueryResult r = InventoryCodecs.QUERY_RESULTS.decode(bytes);
              if (r instanceof InventoryQueryResult.StockFound f) {
                return json(StatusCodes.OK, f.stock());
              }
              return error(StatusCodes.NOT_FOUND, "no stock kept for sku " + sku);
            })
        .exceptionally(ShopRoutes::failure);
  }

  private static CompletionStage<HttpResponse> orderAnswer(
      CompletionStage<OrderReply> reply, StatusCode ok) {
    return reply
        .thenApply(
            r ->
                r instanceof OrderReply.Accepted a
                    ? json(ok, a.order())
                    : refused(
                        ((OrderReply.Refused) r).refusal(),
                        ((OrderReply.Refused) r).reason(),
                        ((OrderReply.Refused) r).order().orElse(null)))
        .exceptionally(ShopRoutes::failure);
  }

  private static CompletionStage<HttpResponse> inventoryAnswer(
      CompletionStage<InventoryReply> reply) {
    return reply
        .thenApply(
            r ->
                r instanceof InventoryReply.Done d
                    ? json(StatusCodes.OK, d.level())
                    : refused(
                        ((InventoryReply.Refused) r).refusal(),
                        ((InventoryReply.Refused) r).reason(),
                        null))
        .exceptionally(ShopRoutes::failure);
  }

  private static HttpResponse refused(Refusal refusal, String reason, Object current) {
    Map<String, Object> body = HttpJson.errorBody(reason);
    body.put("refusal", refusal);
    if (current != null) {
      body.put("order", current);
    }
    return json(refusal == Refusal.NOT_FOUND ? StatusCodes.NOT_FOUND : StatusCodes.CONFLICT, body);
  }

  /** The runtime's typed failures as HTTP answers. */
  static HttpResponse failure(Throwable t) {
    Throwable e = t;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof ShardedRaftException.Rejected r) {
      return error(StatusCodes.BAD_REQUEST, r.getMessage());
    }
    if (e instanceof ShardedRaftException.TimedOut
        || e instanceof ShardedRaftException.SessionExpired) {
      return error(
          StatusCodes.SERVICE_UNAVAILABLE,
          e.getMessage() + " (outcome unknown: repeat the same request)");
    }
    if (e instanceof ShardedRaftException.Unavailable
        || e instanceof ShardedRaftException.ReadFailed) {
      return error(StatusCodes.SERVICE_UNAVAILABLE, e.getMessage());
    }
    if (e instanceof ShardedRaftException.Failed f) {
      return error(StatusCodes.INTERNAL_SERVER_ERROR, "the command failed: " + f.getMessage());
    }
    if (e instanceof IllegalArgumentException) {
      return error(StatusCodes.BAD_REQUEST, e.getMessage());
    }
    LOG.error("unexpected failure answering a request", e);
    return error(
        StatusCodes.INTERNAL_SERVER_ERROR, "internal error: " + e.getClass().getSimpleName());
  }

  private Route unexpected(Throwable t) {
    return complete(failure(t));
  }

  private static HttpResponse asJsonError(HttpResponse r) {
    String text =
        r.entity() instanceof org.apache.pekko.http.javadsl.model.HttpEntity.Strict s
            ? s.getData().utf8String()
            : r.status().reason();
    Map<String, Object> body = new LinkedHashMap<>(HttpJson.errorBody(text));
    return json(r.status(), body);
  }

  /** Runs the invariant check once (on a thread of its own: it reads whole states and a topic). */
  private CompletionStage<HttpResponse> check(ShopInvariants.Acknowledged acknowledged) {
    ShopInvariants.Acknowledged ack =
        acknowledged == null
            ? ShopInvariants.Acknowledged.none()
            : new ShopInvariants.Acknowledged(
                acknowledged.commands() == null ? Map.of() : acknowledged.commands(),
                acknowledged.restocks() == null ? Map.of() : acknowledged.restocks());
    return CompletableFuture.supplyAsync(
            () -> {
              try {
                ShopInvariants.Report r = invariants.check(ack);
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("ok", r.ok());
                body.put("settled", r.settled());
                body.put("report", r);
                return json(StatusCodes.OK, body);
              } catch (Exception e) {
                throw new CompletionException(e);
              }
            },
            checks)
        .exceptionally(ShopRoutes::failure);
  }

  private CompletionStage<HttpResponse> statusJson() {
    return status
        .snapshot()
        .thenApply(s -> json(StatusCodes.OK, s))
        .exceptionally(ShopRoutes::failure);
  }
}
