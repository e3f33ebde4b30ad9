package io.streamgate.gateway.usage.internal;

import io.streamgate.gateway.usage.Counter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Usage counted in memory between flushes: one cell of {@link Counter}s per UTC day, principal
 * and view or stream. Bounded: at most {@code maxCells} cells; what would need another one is
 * counted in the day's {@link #OTHER} cell instead (and {@link #overflowed()} says how often), so
 * a burst of principals can neither grow memory nor the flush without bound.
 *
 * <p>Thread-safe: {@link #add} runs on every event loop; {@link #drain} (one flusher at a time)
 * takes what was counted, and a count racing with it lands in this drain or the next, never in
 * neither: a cell is emptied and retired under its own lock, and an add that finds its cell
 * retired starts a new one.
 */
final class Cells {
  /** The principal under which counts beyond the bound are kept. */
  static final String OTHER = "(other)";
  /** The resource of requests not about one view or stream. */
  static final String NO_RESOURCE = "-";
  private static final Counter[] COUNTERS = Counter.values();

  /** Where a cell's counts go. */
  record Key(String day, String subject, String resource) {}

  /** What one cell counted since the last drain. */
  record Drained(Key key, long[] counts) {}

  private static final class Cell {
    private final long[] counts = new long[COUNTERS.length];
    private boolean retired;
    /** Drains in a row that found nothing: idle cells leave the map. */
    private int idle;

    synchronized boolean add(Counter counter, long amount) {
      if (retired) {
        return false;
      }
      counts[counter.ordinal()] += amount;
      return true;
    }

    /** The counts, zeroed; null if there were none (and the cell is retired once idle). */
    synchronized long[] drain() {
      boolean any = false;
      for (long c : counts) {
        any |= c != 0;
      }
      if (!any) {
        retired = ++idle >= 2;
        return null;
      }
      idle = 0;
      long[] out = counts.clone();
      java.util.Arrays.fill(counts, 0);
      return out;
    }
  }

  private final int maxCells;
  private final Map<Key, Cell> cells = new ConcurrentHashMap<>();
  private final LongAdder overflowed = new LongAdder();

  Cells(int maxCells) {
    this.maxCells = maxCells;
  }

  void add(String day, String subject, String resource, Counter counter, long amount) {
    Key key = new Key(day, subject, resource);
    while (true) {
      Cell cell = cells.get(key);
      if (cell == null) {
        if (cells.size() >= maxCells && !key.subject().equals(OTHER)) {
          overflowed.increment();
          key = new Key(day, OTHER, NO_RESOURCE);
          continue;
        }
        cell = cells.computeIfAbsent(key, k -> new Cell());
      }
      if (cell.add(counter, amount)) {
        return;
      }
      cells.remove(key, cell);
    }
  }

  /** Everything counted since the last drain; idle cells are let go. */
  List<Drained> drain() {
    List<Drained> out = new ArrayList<>();
    cells.forEach((key, cell) -> {
      long[] counts = cell.drain();
      if (counts != null) {
        out.add(new Drained(key, counts));
      } else if (cell.retired) {
        cells.remove(key, cell);
      }
    });
    return out;
  }

  /** Puts back counts a failed flush could not write, so the next flush carries them. */
  void restore(List<Drained> drained) {
    for (Drained d : drained) {
      for (Counter counter : COUNTERS) {
        long n = d.counts()[counter.ordinal()];
        if (n != 0) {
          add(d.key().day(), d.key().subject(), d.key().resource(), counter, n);
        }
      }
    }
  }

  int size() {
    return cells.size();
  }

  /** Counts that went to {@link #OTHER} because the bound was reached. */
  long overflowed() {
    return overflowed.sum();
  }
}
