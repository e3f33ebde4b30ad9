package io.streamgate.cli.demo;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Polls for startup conditions under one overall deadline, failing fast when any started process
 * exits or the demo is being stopped. Failures carry the log tail of the process concerned. Used
 * by the starting thread only.
 */
final class StartupWait {
  private static final long POLL_MILLIS = 250;

  private final long deadlineNanos;
  private final Duration timeout;
  private final List<Child> children;
  private final BooleanSupplier cancelled;
  private final int tailLines;

  StartupWait(Duration timeout, List<Child> children, BooleanSupplier cancelled, int tailLines) {
    this.timeout = timeout;
    this.deadlineNanos = System.nanoTime() + timeout.toNanos();
    this.children = children;
    this.cancelled = cancelled;
    this.tailLines = tailLines;
  }

  /** Polls {@code check} until it returns true. */
  void untilTrue(String what, Child suspect, BooleanSupplier check) throws DemoFailure {
    until(what, suspect, () -> check.getAsBoolean() ? Boolean.TRUE : null);
  }

  /**
   * Polls {@code check} until it returns non-null and returns that.
   *
   * @param suspect whose log to show if time runs out
   */
  <T> T until(String what, Child suspect, Supplier<T> check) throws DemoFailure {
    while (true) {
      T result = check.get();
      if (result != null) {
        return result;
      }
      if (cancelled.getAsBoolean()) {
        throw new DemoFailure("startup interrupted while waiting for " + what);
      }
      for (Child child : children) {
        if (!child.isAlive()) {
          throw new DemoFailure(child.name() + " exited during startup (while waiting for " + what + "). Last lines of "
              + child.logFile() + ":\n" + child.tail(tailLines));
        }
      }
      if (System.nanoTime() - deadlineNanos > 0) {
        throw new DemoFailure("gave up waiting for " + what + " after " + timeout.toSeconds()
            + " s (raise it with --startup-timeout). Last lines of " + suspect.logFile() + ":\n"
            + suspect.tail(tailLines));
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DemoFailure("interrupted while waiting for " + what);
      }
    }
  }
}
