package io.streamgate.cli.demo;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * Prints one line per startup step with the seconds since the demo started, e.g.
 * {@code [  6.3s] kafka      listening on 127.0.0.1:19092 (pid 4242)}. Thread-safe.
 */
public final class StartupProgress {
  private final PrintStream out;
  private final long startNanos = System.nanoTime();

  public StartupProgress(PrintStream out) {
    this.out = out;
  }

  /** A progress printer that prints nothing (tests that only want the outcome). */
  public static StartupProgress silent() {
    return new StartupProgress(new PrintStream(PrintStream.nullOutputStream()));
  }

  public synchronized void step(String component, String message) {
    out.println(format(elapsed(), component, message));
    out.flush();
  }

  /** Plain line without a timestamp. */
  public synchronized void note(String message) {
    out.println(message);
    out.flush();
  }

  public Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  static String format(Duration elapsed, String component, String message) {
    return String.format(Locale.ROOT, "[%5.1fs] %-10s %s", elapsed.toMillis() / 1000.0, component, message);
  }
}
