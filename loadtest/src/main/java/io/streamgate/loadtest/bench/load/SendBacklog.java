package io.streamgate.loadtest.bench.load;

import java.util.function.LongConsumer;

/**
 * One event loop's admission of due open-model units: at most {@code maxSending} are being sent at
 * once, and the rest wait here, in slot order, as bare slot numbers. A unit that waited longer
 * than {@code maxWaitNanos} since its intended time is given up as a timeout instead of sent,
 * as the HTTP pool did with its waiters.
 *
 * <p>Why not let the HTTP pool queue them: a pooled request waiting for a connection holds a
 * request object, futures and two timers; with thousands waiting (a cold JIT at the start is
 * enough) the garbage collector and the timer queue took more than half the core, the client
 * served fewer than it was asked for, and the backlog never drained.
 *
 * <p>Pure and single-threaded: each event loop owns one.
 */
final class SendBacklog {
  /** {@link #nextToSend} found nothing to send. */
  static final long NONE = -1;

  private final int maxSending;
  private final Schedule schedule;
  private final long maxWaitNanos;
  private final LongQueue waiting = new LongQueue(1024);
  private int sending;

  SendBacklog(int maxSending, Schedule schedule, long maxWaitNanos) {
    if (maxSending < 1) {
      throw new IllegalArgumentException("maxSending must be at least 1, but was " + maxSending);
    }
    this.maxSending = maxSending;
    this.schedule = schedule;
    this.maxWaitNanos = maxWaitNanos;
  }

  /** Slot {@code slot} (≥ 0) is due; it waits until {@link #nextToSend} hands it out. */
  void due(long slot) {
    waiting.add(slot);
  }

  /**
   * The next waiting slot to send now, taking a send place for it, or {@link #NONE} when all
   * places are taken or nothing waits. Slots that waited too long go to {@code expired}.
   */
  long nextToSend(long nowNanos, LongConsumer expired) {
    while (sending < maxSending && !waiting.isEmpty()) {
      long slot = waiting.poll();
      if (nowNanos - schedule.intendedNanos(slot) > maxWaitNanos) {
        expired.accept(slot);
        continue;
      }
      sending++;
      return slot;
    }
    return NONE;
  }

  /** Drops the waiting slots before {@code slot} (they wait in slot order) and returns how many. */
  int dropWaitingBefore(long slot) {
    int dropped = 0;
    while (!waiting.isEmpty() && waiting.peek() < slot) {
      waiting.poll();
      dropped++;
    }
    return dropped;
  }

  /** A send finished: its place is free for the next waiting slot. */
  void sent() {
    if (sending == 0) {
      throw new IllegalStateException("no send in progress");
    }
    sending--;
  }

  int sending() {
    return sending;
  }

  int waiting() {
    return waiting.size();
  }
}
