package io.streamgate.loadtest.publish;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Prints one progress line per interval for a {@link KafkaEventPublisher}: totals, the
 * acknowledged rate over the last interval, and errors. Runs on its own daemon thread.
 */
public final class ProgressReporter implements AutoCloseable {
  private final KafkaEventPublisher publisher;
  private final PrintStream out;
  private final ScheduledExecutorService timer;
  private long lastAcked;
  private long lastNanos;

  public ProgressReporter(KafkaEventPublisher publisher, PrintStream out) {
    this.publisher = publisher;
    this.out = out;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "progress-reporter");
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts printing every {@code interval}. */
  public ProgressReporter start(Duration interval) {
    lastNanos = System.nanoTime();
    timer.scheduleAtFixedRate(this::report, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  private synchronized void report() {
    long now = System.nanoTime();
    long acked = publisher.acked();
    double seconds = (now - lastNanos) / 1e9;
    double rate = seconds > 0 ? (acked - lastAcked) / seconds : 0;
    lastAcked = acked;
    lastNanos = now;
    out.println(line(publisher.sent(), acked, rate, publisher.failed(), publisher.lastError()));
  }

  /** One progress line; pure so its wording is tested. */
  static String line(long sent, long acked, double rate, long failed, String lastError) {
    String text = String.format(Locale.ROOT, "progress: sent %d, acked %d, %.1f events/s, %d errors",
        sent, acked, rate, failed);
    return failed > 0 && lastError != null ? text + " (last: " + lastError + ")" : text;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
