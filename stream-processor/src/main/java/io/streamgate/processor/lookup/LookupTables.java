package io.streamgate.processor.lookup;

import io.streamgate.processor.lookup.internal.Copy;
import io.streamgate.processor.lookup.internal.CopySource;
import io.streamgate.processor.lookup.internal.JdbcCopies;
import io.streamgate.processor.metrics.ProcessorMetrics;
import io.streamgate.processor.pipeline.TableSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processor's lookup tables ({@code kind: table} sources): each is read over JDBC into a
 * copy held in the driver, read again every {@code refresh}, and offered to views as a batch
 * Dataset ({@link #read}) that a stream-static join re-reads at each micro-batch from the newest
 * copy, never from the database. So a slow or unreachable database never holds up a batch: a
 * refresh that fails keeps the last good copy, logs one line (source, error, what to do) and
 * counts {@code streamgate_processor_lookup_refresh_failures_total{table}}. A view whose table
 * has no copy yet fails its batch and is started again by the view manager's retries.
 *
 * <p><b>Threads.</b> Refreshes run on one thread of their own ({@code streamgate-lookups});
 * {@link #open} reads the first copy on the caller's thread. All methods are thread-safe.
 */
public final class LookupTables implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LookupTables.class);
  /** Bounds connecting to the database and the query, each. */
  public static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
  /** Until a table has its first copy, it is tried this often (or every refresh, if sooner). */
  public static final Duration FIRST_COPY_RETRY = Duration.ofSeconds(10);

  /** One open table. */
  private final class Open {
    final TableSpec spec;
    final String id = "lookup-" + UUID.randomUUID();
    final AtomicReference<Copy> copy = new AtomicReference<>();
    volatile String lastError = "not read yet";
    ScheduledFuture<?> next;

    Open(TableSpec spec) {
      this.spec = spec;
    }
  }

  private final ProcessorMetrics metrics;
  private final Clock clock;
  private final UnaryOperator<String> env;
  private final Map<String, Open> tables = new ConcurrentHashMap<>();
  private final ScheduledExecutorService thread;

  /** Passwords from {@code System.getenv} (for {@code passwordEnv}) or files. */
  public LookupTables(ProcessorMetrics metrics, Clock clock) {
    this(metrics, clock, System::getenv);
  }

  /** @param env reads an environment variable (tests pass their own) */
  public LookupTables(ProcessorMetrics metrics, Clock clock, UnaryOperator<String> env) {
    this.metrics = metrics;
    this.clock = clock;
    this.env = env;
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "streamgate-lookups");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Opens a lookup table: reads its first copy now (a failure is logged and retried, not
   * thrown), then keeps it refreshed. A table already open with the same definition stays as it
   * is; one with another definition is replaced (its copy with it).
   */
  public void open(TableSpec spec) {
    Open open;
    synchronized (this) {
      Open old = tables.get(spec.name());
      if (old != null && old.spec.sameTable(spec)) {
        return;
      }
      if (old != null) {
        close(old);
      }
      open = new Open(spec);
      CopySource.register(open.id, new CopySource.Registration(spec.name(), spec.schema(),
          open.copy::get, () -> open.lastError));
      tables.put(spec.name(), open);
      metrics.lookupTable(spec.name(), () -> {
        Copy c = open.copy.get();
        return c == null ? 0 : c.rows().size();
      }, () -> {
        Copy c = open.copy.get();
        return c == null ? Double.NaN : (clock.millis() - c.readAtMillis()) / 1000.0;
      });
    }
    refresh(open);
  }

  /**
   * The table as a batch Dataset of {@code session}: each execution (each micro-batch of a
   * streaming query that joins it) reads the copy current at that moment.
   *
   * @throws IllegalArgumentException if no table of that name is open
   */
  public Dataset<Row> read(SparkSession session, String name) {
    Open open = tables.get(name);
    if (open == null) {
      throw new IllegalArgumentException("no lookup table named '" + name + "' is open");
    }
    return session.read().format(CopySource.class.getName()).option(CopySource.ID, open.id)
        .load();
  }

  /**
   * An empty batch Dataset with the table's columns: enough to check a view's SQL against it
   * without reading the database ({@code --validate}, a request before it is accepted).
   */
  public static Dataset<Row> shape(SparkSession session, TableSpec spec) {
    return session.createDataFrame(List.<Row>of(), spec.schema());
  }

  /** Every open table as {@link #read} gives it, by name. */
  public Map<String, Dataset<Row>> readAll(SparkSession session) {
    Map<String, Dataset<Row>> out = new LinkedHashMap<>();
    for (String name : List.copyOf(tables.keySet())) {
      out.put(name, read(session, name));
    }
    return out;
  }

  /** Rows of the table's current copy and when it was read; empty before its first copy. */
  public Optional<Copy> copy(String name) {
    Open open = tables.get(name);
    return Optional.ofNullable(open == null ? null : open.copy.get());
  }

  /** Reads the table again now, on the caller's thread (tests; the schedule goes on as it was). */
  public void refreshNow(String name) {
    Open open = tables.get(name);
    if (open != null) {
      read(open);
    }
  }

  /** One read, then the next one scheduled. */
  private void refresh(Open open) {
    boolean ok = read(open);
    synchronized (this) {
      if (tables.get(open.spec.name()) != open || thread.isShutdown()) {
        return;
      }
      Duration delay = ok || open.copy.get() != null ? open.spec.refresh()
          : min(open.spec.refresh(), FIRST_COPY_RETRY);
      open.next = thread.schedule(() -> refresh(open), delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Reads a copy and swaps it in; a failure keeps the last good copy and says so. */
  private boolean read(Open open) {
    TableSpec spec = open.spec;
    long started = clock.millis();
    try {
      Copy copy = JdbcCopies.read(spec, env, READ_TIMEOUT, clock.millis());
      boolean first = open.copy.getAndSet(copy) == null;
      open.lastError = "";
      metrics.lookupRefreshed(spec.name());
      if (first) {
        LOG.info("lookup table {}: {} rows read in {} ms; read again every {} s", spec.name(),
            copy.rows().size(), clock.millis() - started, spec.refresh().toSeconds());
      } else {
        LOG.debug("lookup table {}: {} rows read in {} ms", spec.name(), copy.rows().size(),
            clock.millis() - started);
      }
      return true;
    } catch (RuntimeException e) {
      open.lastError = e.getMessage();
      metrics.lookupRefreshFailed(spec.name());
      Copy last = open.copy.get();
      LOG.warn("lookup table {}: refresh failed ({}); {}", spec.name(), e.getMessage(),
          last == null
              ? "views joining it wait for a first copy (tried again in "
                  + min(spec.refresh(), FIRST_COPY_RETRY).toSeconds() + " s): check url, user,"
                  + " password and that the database is up"
              : "views go on with the copy of " + java.time.Instant.ofEpochMilli(
                  last.readAtMillis()) + " (" + last.rows().size() + " rows), tried again in "
                  + spec.refresh().toSeconds() + " s: check that the database is up and the"
                  + " query still fits the schema");
      return false;
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private void close(Open open) {
    if (open.next != null) {
      open.next.cancel(false);
    }
    CopySource.unregister(open.id);
    tables.remove(open.spec.name(), open);
  }

  /** Stops refreshing; the tables' Datasets fail from now on. */
  @Override
  public synchronized void close() {
    for (Open open : List.copyOf(tables.values())) {
      close(open);
    }
    thread.shutdownNow();
  }
}
