package io.streamgate.loadtest.bench.chaos;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * What the clients of a chaos run were told, by event: sent, answered 202, answered with an
 * error (which), or not answered before the client's timeout (a hang). The verdict compares this
 * with what Kafka and the views hold, so it is kept apart from the system's own metrics.
 * Thread-safe.
 */
public final class Ledger {
  /** An order event of the run: whole amounts, so totals compare exactly. */
  public record Event(String orderId, String userId, long amount) {}

  private final Map<String, Event> sent = new ConcurrentHashMap<>();
  private final Map<String, Event> acked = new ConcurrentHashMap<>();
  private final Map<String, String> failed = new ConcurrentHashMap<>();
  private final Set<String> hung = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();

  public void sent(Event event) {
    sent.put(event.orderId(), event);
  }

  public void acked(Event event) {
    acked.put(event.orderId(), event);
  }

  /** A request that got an answer other than 202, or failed on the connection: {@code kind} says which. */
  public void failed(Event event, String kind) {
    failed.put(event.orderId(), kind);
    error("ingest_" + kind);
  }

  public void hung(Event event) {
    hung.add(event.orderId());
    failed(event, "timeout");
  }

  /** Any failed operation (ingest, read, WebSocket), by kind. */
  public void error(String kind) {
    errors.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
  }

  public Map<String, Event> sent() {
    return sent;
  }

  public Map<String, Event> acked() {
    return acked;
  }

  public Map<String, String> failed() {
    return failed;
  }

  public Set<String> hung() {
    return hung;
  }

  /** Errors by kind so far; a copy. */
  public Map<String, Long> errors() {
    return errors.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get(),
        (a, b) -> a, TreeMap::new));
  }

  /** Count and sum of amounts per user over {@code events}. */
  public static Map<String, long[]> totals(Iterable<Event> events) {
    Map<String, long[]> totals = new TreeMap<>();
    for (Event e : events) {
      long[] t = totals.computeIfAbsent(e.userId(), u -> new long[2]);
      t[0]++;
      t[1] += e.amount();
    }
    return totals;
  }
}
