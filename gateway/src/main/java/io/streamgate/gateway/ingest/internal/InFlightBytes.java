package io.streamgate.gateway.ingest.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A bound on the body bytes of all requests waiting for Kafka at once, so a slow broker turns
 * into fast 503s instead of a growing queue. Lock-free; shared by every event loop.
 */
final class InFlightBytes {
  private final long limit;
  private final AtomicLong used = new AtomicLong();

  InFlightBytes(long limit) {
    this.limit = limit;
  }

  /** Takes {@code bytes} if they fit; never waits. */
  boolean tryAcquire(long bytes) {
    while (true) {
      long current = used.get();
      if (current + bytes > limit) {
        return false;
      }
      if (used.compareAndSet(current, current + bytes)) {
        return true;
      }
    }
  }

  void release(long bytes) {
    used.addAndGet(-bytes);
  }

  long used() {
    return used.get();
  }

  long limit() {
    return limit;
  }
}
