package dev.shardraft.multijvm.harness;

import dev.shardraft.multijvm.history.HistoryRecorder;
import dev.shardraft.multijvm.history.Op;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Concurrent clients on registers ({@code <prefix>-r-<n>}: read, write, cas) and list-append keys
 * ({@code <prefix>-l-<n>}: append, read), each through a random running node. One client is one
 * process of the history at a time: never two operations at once; after an {@code info} it
 * continues as a new process. Every written or appended value is unique. Bounded: it stops when
 * asked, or at its operation limit.
 */
public final class Workload implements AutoCloseable {
  private static final Duration OP_TIMEOUT = Duration.ofSeconds(10);

  private final HistoryRecorder history;
  private final NodeClient client;
  private final Supplier<List<Integer>> nodes;
  private final List<String> keys;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicInteger processes = new AtomicInteger();
  private final AtomicLong values = new AtomicLong();
  private final AtomicInteger operations = new AtomicInteger();
  private final Map<String, Long> lastSeen = new ConcurrentHashMap<>();
  private final List<Thread> threads = new ArrayList<>();
  private final int maxOperations;
  private final long seed;

  public Workload(
      HistoryRecorder history,
      NodeClient client,
      Supplier<List<Integer>> nodes,
      String prefix,
      int registers,
      int lists,
      int maxOperations,
      long seed) {
    this.history = history;
    this.client = client;
    this.nodes = nodes;
    List<String> k = new ArrayList<>();
    for (int i = 0; i < registers; i++) {
      k.add(prefix + "-r-" + i);
    }
    for (int i = 0; i < lists; i++) {
      k.add(prefix + "-l-" + i);
    }
    this.keys = List.copyOf(k);
    this.maxOperations = maxOperations;
    this.seed = seed;
  }

  public List<String> keys() {
    return keys;
  }

  /** Starts {@code clients} client threads. */
  public void start(int clients) {
    for (int c = 0; c < clients; c++) {
      Random random = new Random(seed * 31 + c);
      Thread t = new Thread(() -> run(random), "client-" + c);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  public int operations() {
    return operations.get();
  }

  private void run(Random random) {
    int process = processes.getAndIncrement();
    while (!stop.get() && operations.incrementAndGet() <= maxOperations) {
      String key = keys.get(random.nextInt(keys.size()));
      if (!perform(process, key, random)) {
        process = processes.getAndIncrement();
      }
      sleepMillis(10 + random.nextInt(30));
    }
  }

  /** One operation; false when its outcome is unknown (the process must take a new id). */
  private boolean perform(int process, String key, Random random) {
    Op.F f;
    Object value;
    int roll = random.nextInt(10);
    if (key.contains("-l-")) {
      f = roll < 6 ? Op.F.APPEND : Op.F.READ;
      value = f == Op.F.APPEND ? values.incrementAndGet() : null;
    } else if (roll < 5) {
      f = Op.F.READ;
      value = null;
    } else if (roll < 8) {
      f = Op.F.WRITE;
      value = values.incrementAndGet();
    } else {
      f = Op.F.CAS;
      List<Long> cas = new ArrayList<>();
      cas.add(lastSeen.get(key));
      cas.add(values.incrementAndGet());
      value = cas;
    }
    return perform(process, f, key, value, random);
  }

  /** Performs one operation through a random running node and records it. */
  public boolean perform(int process, Op.F f, String key, Object value, Random random) {
    List<Integer> ports = nodes.get();
    if (ports.isEmpty()) {
      sleepMillis(200);
      return true;
    }
    int port = ports.get(random.nextInt(ports.size()));
    Op invoked = history.invoke(process, f, key, value);
    Map<String, Object> answer;
    try {
      answer = client.op(port, f.name().toLowerCase(java.util.Locale.ROOT), key, value, OP_TIMEOUT);
    } catch (ConnectException refused) {
      history.complete(invoked, Op.Type.FAIL, value);
      return true;
    } catch (IOException e) {
      history.complete(invoked, Op.Type.INFO, value);
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      history.complete(invoked, Op.Type.INFO, value);
      return false;
    }
    String type = String.valueOf(answer.get("type"));
    switch (type) {
      case "ok" -> {
        Object result = f == Op.F.READ ? normalise(answer.get("value")) : value;
        history.complete(invoked, Op.Type.OK, result);
        if (f == Op.F.READ && result instanceof Long l) {
          lastSeen.put(key, l);
        }
        return true;
      }
      case "fail" -> {
        history.complete(invoked, Op.Type.FAIL, value);
        return true;
      }
      default -> {
        history.complete(invoked, Op.Type.INFO, value);
        return false;
      }
    }
  }

  /** Reads every key once with a fresh process per attempt, until ok; the final state. */
  public Map<String, Object> finalReads(Duration timeout) {
    Map<String, Object> state = new java.util.TreeMap<>();
    Random random = new Random(seed);
    long deadline = System.nanoTime() + timeout.toNanos();
    for (String key : keys) {
      while (true) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("no final read of " + key + " succeeded within " + timeout);
        }
        int process = processes.getAndIncrement();
        int before = history.ops().size();
        perform(process, Op.F.READ, key, null, random);
        Op last = history.ops().get(history.ops().size() - 1);
        if (history.ops().size() > before && last.type() == Op.Type.OK && last.key().equals(key)) {
          state.put(key, last.value());
          break;
        }
        sleepMillis(300);
      }
    }
    return state;
  }

  private static Object normalise(Object v) {
    if (v instanceof Number n) {
      return n.longValue();
    }
    if (v instanceof List<?> l) {
      List<Long> out = new ArrayList<>();
      l.forEach(e -> out.add(((Number) e).longValue()));
      return out;
    }
    return v;
  }

  private static void sleepMillis(long ms) {
    try {
      TimeUnit.MILLISECONDS.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the clients and waits for their operations in flight. */
  @Override
  public void close() throws InterruptedException {
    stop.set(true);
    for (Thread t : threads) {
      t.join(OP_TIMEOUT.toMillis() + 5000);
    }
  }
}
