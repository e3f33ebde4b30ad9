package io.streamgate.loadtest.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class LongQueueTest {
  @Test
  void keepsFifoOrderAcrossWrapAroundAndGrowth() {
    LongQueue queue = new LongQueue(4);
    ArrayDeque<Long> expected = new ArrayDeque<>();
    long next = 0;
    // Interleave adds and polls so the head wraps before the buffer grows (several times).
    for (int round = 0; round < 200; round++) {
      for (int i = 0; i < 3 + round % 5; i++) {
        queue.add(next);
        expected.add(next++);
      }
      for (int i = 0; i < 2 + round % 3 && !expected.isEmpty(); i++) {
        assertEquals(expected.poll(), queue.poll());
      }
      assertEquals(expected.size(), queue.size());
    }
    while (!expected.isEmpty()) {
      assertEquals(expected.peek(), queue.peek());
      assertEquals(expected.poll(), queue.poll());
    }
    assertTrue(queue.isEmpty());
  }

  @Test
  void anEmptyQueueHasNothingToGive() {
    LongQueue queue = new LongQueue(1);
    assertThrows(NoSuchElementException.class, queue::poll);
    queue.add(7);
    assertEquals(7, queue.poll());
    assertThrows(NoSuchElementException.class, queue::peek);
  }
}
