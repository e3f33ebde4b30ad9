package io.streamgate.cli.demo;

import java.nio.file.Path;
import java.time.Duration;

/**
 * One process of the demo: what it is, its pid, where it logs and how to stop it. Immutable;
 * {@link #stop()} may be called from any thread and more than once.
 *
 * @param pid the OS pid, or -1 if it could not be found (then the process counts as alive until
 *     stopped)
 * @param stopper stops the process gracefully, killing it after a grace period; returns once it
 *     is gone
 */
public record Child(String name, long pid, Path logFile, Runnable stopper) {

  public boolean isAlive() {
    return pid <= 0 || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** Last {@code lines} lines of the log. */
  public String tail(int lines) {
    return LogFiles.tail(logFile, lines);
  }

  /** Stops the process and returns how long that took. */
  public Duration stop() {
    long start = System.nanoTime();
    stopper.run();
    return Duration.ofNanos(System.nanoTime() - start);
  }
}
