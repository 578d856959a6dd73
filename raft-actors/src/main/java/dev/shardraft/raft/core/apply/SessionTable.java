package dev.shardraft.raft.core.apply;

import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Client sessions, part of the replicated state. Ordered by last activity so that expiry is cheap:
 * a session not used within {@code expiryPositions} log positions is dropped, at the same log
 * position on every replica (the rule depends on log indices only).
 */
public final class SessionTable {
  private long expiryPositions;
  private final LinkedHashMap<String, Session> byActivity = new LinkedHashMap<>();

  public SessionTable(long expiryPositions) {
    if (expiryPositions < 1) {
      throw new IllegalArgumentException("expiryPositions must be >= 1");
    }
    this.expiryPositions = expiryPositions;
  }

  /** A session unused for more than this many log positions expires. */
  public long expiryPositions() {
    return expiryPositions;
  }

  /** Adopts the window of a barrier or snapshot; it applies from the next position on. */
  void setExpiryPositions(long positions) {
    if (positions < 1) {
      throw new IllegalArgumentException("expiryPositions must be >= 1");
    }
    this.expiryPositions = positions;
  }

  public Optional<Session> get(String clientId) {
    return Optional.ofNullable(byActivity.get(clientId));
  }

  /** Stores or refreshes a session; it becomes the most recently active one. */
  void put(String clientId, Session s) {
    byActivity.remove(clientId);
    byActivity.put(clientId, s);
  }

  /** Drops a session (one that broke its reply bound). */
  void remove(String clientId) {
    byActivity.remove(clientId);
  }

  /** Drops sessions whose last activity is more than the expiry window before {@code index}. */
  int expire(long index) {
    int dropped = 0;
    Iterator<Session> it = byActivity.values().iterator();
    while (it.hasNext()) {
      Session s = it.next();
      if (s.lastActivityIndex() >= index - expiryPositions) {
        break;
      }
      it.remove();
      dropped++;
    }
    return dropped;
  }

  public int size() {
    return byActivity.size();
  }

  /** Sessions in activity order (oldest first), read-only. */
  public Map<String, Session> view() {
    return Collections.unmodifiableMap(byActivity);
  }

  void clear() {
    byActivity.clear();
  }
}
