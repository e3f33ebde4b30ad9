package io.streamgate.loadtest.bench.load;

import java.util.NoSuchElementException;

/**
 * A FIFO of primitive longs in a growable ring buffer: the open model's waiting units, kept as
 * slot numbers so that a backlog of thousands costs a few bytes each instead of a pending request
 * with its futures and timers. Not thread-safe.
 */
final class LongQueue {
  private long[] items;
  private int head;
  private int size;

  LongQueue(int initialCapacity) {
    items = new long[Math.max(2, Integer.highestOneBit(Math.max(1, initialCapacity - 1)) << 1)];
  }

  void add(long value) {
    if (size == items.length) {
      grow();
    }
    items[(head + size) & (items.length - 1)] = value;
    size++;
  }

  long peek() {
    if (size == 0) {
      throw new NoSuchElementException("empty");
    }
    return items[head];
  }

  long poll() {
    long value = peek();
    head = (head + 1) & (items.length - 1);
    size--;
    return value;
  }

  boolean isEmpty() {
    return size == 0;
  }

  int size() {
    return size;
  }

  private void grow() {
    long[] bigger = new long[items.length * 2];
    for (int i = 0; i < size; i++) {
      bigger[i] = items[(head + i) & (items.length - 1)];
    }
    items = bigger;
    head = 0;
  }
}
