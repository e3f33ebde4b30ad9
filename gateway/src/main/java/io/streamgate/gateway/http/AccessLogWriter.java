package io.streamgate.gateway.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands access-log lines from the event loops to one daemon writer thread through a bounded
 * queue. An event loop only ever does a non-blocking {@code offer}: when the queue is full (the
 * log's destination, e.g. a pipe nobody reads fast enough, cannot keep up) the line is dropped
 * and counted, and the writer thread reports the count at most every
 * {@value #DROP_REPORT_INTERVAL_MS} ms. Writing itself ({@code slf4j-simple} prints
 * synchronously) then stalls only the writer thread. The writer wakes on a timer and drains
 * what has queued, rather than being signalled per line: a wake-up per request (a futex call
 * and a context switch) cut a gateway pinned to one core from 57,000 to 7,600 requests/s.
 * Thread-safe.
 */
public final class AccessLogWriter implements AutoCloseable {
  static final int DEFAULT_CAPACITY = 65_536;
  static final long DROP_REPORT_INTERVAL_MS = 10_000;
  /** How long the writer sleeps when the queue is empty; also the most a line waits. */
  static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  private static final int MAX_BATCH = 4_096;
  private static final Logger LOG = LoggerFactory.getLogger(AccessLogWriter.class);
  private static final String STOP = new String("stop"); // identity marks the end of the queue

  private static volatile AccessLogWriter shared;

  private final BlockingQueue<String> queue;
  private final Consumer<String> sink;
  private final Runnable afterBatch;
  private final AtomicLong dropped = new AtomicLong();
  private final Thread thread;
  private long reportedDrops;

  /**
   * @param capacity lines waiting at most; more are dropped
   * @param sink     called on the writer thread, one line at a time
   */
  public AccessLogWriter(int capacity, Consumer<String> sink) {
    this(capacity, sink, () -> { });
  }

  /** @param afterBatch called on the writer thread after each drained batch (to flush) */
  AccessLogWriter(int capacity, Consumer<String> sink, Runnable afterBatch) {
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.sink = sink;
    this.afterBatch = afterBatch;
    this.thread = new Thread(this::run, "streamgate-access-log");
    thread.setDaemon(true); // never keeps the JVM alive; close() drains it on shutdown
    thread.start();
  }

  /**
   * The process-wide writer to stdout, started on first use: bare JSON lines, one write per
   * batch. System.out flushes every line through a 128-byte buffer, a write per line or less;
   * writing a batch at once under its lock also keeps other log lines from splitting ours. The
   * lines are encoded here and written as bytes: printing text made System.out encode it again
   * through its own writer, which showed in profiles.
   */
  public static AccessLogWriter shared() {
    AccessLogWriter writer = shared;
    if (writer == null) {
      synchronized (AccessLogWriter.class) {
        if (shared == null) {
          ByteArrayOutputStream pending = new ByteArrayOutputStream(1 << 16); // writer thread only
          shared = new AccessLogWriter(DEFAULT_CAPACITY, line -> {
            pending.writeBytes(line.getBytes(StandardCharsets.UTF_8));
            pending.write('\n');
          }, () -> {
            synchronized (System.out) {
              System.out.write(pending.toByteArray(), 0, pending.size());
              System.out.flush();
            }
            pending.reset();
          });
        }
        writer = shared;
      }
    }
    return writer;
  }

  /** Drains and stops the shared writer, if one was started (process shutdown). */
  public static void closeShared(long timeoutMs) {
    AccessLogWriter writer;
    synchronized (AccessLogWriter.class) {
      writer = shared;
      shared = null;
    }
    if (writer != null) {
      writer.close(timeoutMs);
    }
  }

  /** Queues a line without blocking; drops and counts it if the queue is full. */
  public void offer(String line) {
    if (!queue.offer(line)) {
      dropped.incrementAndGet();
    }
  }

  /** Lines dropped since start because the queue was full. */
  public long dropped() {
    return dropped.get();
  }

  /** Writes what is queued (waiting at most {@code timeoutMs}), then stops the thread. */
  public void close(long timeoutMs) {
    try {
      // Waits for room: the marker must not be dropped, and the writer is draining.
      if (queue.offer(STOP, timeoutMs, TimeUnit.MILLISECONDS)) {
        thread.join(timeoutMs);
      } else {
        thread.interrupt();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    close(1_000);
  }

  private void run() {
    List<String> batch = new ArrayList<>(MAX_BATCH);
    long nextReport = System.nanoTime();
    while (true) {
      queue.drainTo(batch, MAX_BATCH);
      if (batch.isEmpty()) {
        LockSupport.parkNanos(this, IDLE_PARK_NANOS);
        if (Thread.interrupted()) {
          return;
        }
      }
      boolean stop = false;
      for (String line : batch) {
        if (line == STOP) {
          stop = true;
          break;
        }
        try {
          sink.accept(line);
        } catch (RuntimeException e) {
          dropped.incrementAndGet(); // a broken sink must not end the thread
        }
      }
      if (!batch.isEmpty()) {
        afterBatch.run();
      }
      batch.clear();
      if (stop) {
        reportDrops();
        return;
      }
      long now = System.nanoTime();
      if (now - nextReport >= 0) {
        reportDrops();
        nextReport = now + TimeUnit.MILLISECONDS.toNanos(DROP_REPORT_INTERVAL_MS);
      }
    }
  }

  private void reportDrops() {
    long total = dropped.get();
    if (total > reportedDrops) {
      LOG.warn("dropped {} access log lines ({} since start): the log output is not keeping up;"
          + " read the gateway's stdout faster or set http.accessLog: false",
          total - reportedDrops, total);
      reportedDrops = total;
    }
  }
}
