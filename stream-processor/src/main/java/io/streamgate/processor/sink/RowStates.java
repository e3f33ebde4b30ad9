package io.streamgate.processor.sink;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last state {@code apply_deltas.lua} returned for each row a real-time aggregate's task
 * wrote, per view table and Kafka partition: from it the next flush predicts the row's value and
 * has it written in the same call as the fold (one round trip and one script call per row instead
 * of two). Kept per executor JVM across tasks, since a partition's next task usually runs where
 * the last one did.
 *
 * <p>Only a hint: the script makes the predicted write only if the row's sequence and partials
 * are the ones predicted, so a stale or missing entry costs the second call, never a wrong row.
 * Least recently used rows go first beyond {@link #MAX_ROWS} per partition (about 150 bytes each).
 * Thread-safe.
 */
final class RowStates {
  /** Rows remembered per view table and partition. */
  static final int MAX_ROWS = 100_000;
  private static final Map<String, RowStates> BY_PARTITION = new ConcurrentHashMap<>();

  /** A row's sequence ({@code agg_n}) and partials (null for none). */
  record State(long sequence, List<Double> partials) {}

  private final Map<String, State> rows = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, State> eldest) {
      return size() > MAX_ROWS;
    }
  };

  /** @param scope names the Redis, namespace, table and partition the states belong to */
  static RowStates of(String scope) {
    return BY_PARTITION.computeIfAbsent(scope, s -> new RowStates());
  }

  synchronized State get(String key) {
    return rows.get(key);
  }

  synchronized void put(String key, State state) {
    rows.put(key, state);
  }

  synchronized void remove(String key) {
    rows.remove(key);
  }
}
