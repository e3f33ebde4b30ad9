package io.streamgate.processor.sink;

import io.streamgate.contract.Keyspace;
import io.streamgate.contract.Names;
import io.streamgate.contract.Scripts;
import io.streamgate.processor.view.AggregateFold;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.ForeachWriter;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * The sink of an aggregate view in Spark's real-time mode ({@link
 * io.streamgate.processor.view.RealTimeAggregates}). Each event is folded into its row's running
 * aggregates in Redis ({@code APPLY_DELTAS}, exactly once by Kafka partition and offset), then
 * the row's value is computed from what Redis returns ({@link AggregateFold}) and written with the
 * row's sequence as its version ({@code WRITE_ROW}, {@code INDEX_ROW}). Two pipelined round trips
 * per flush, whatever the number of events in it.
 *
 * <p><b>Flushing.</b> The task thread only queues events; one flusher thread per task sends
 * what is queued as soon as it is idle. So a lone event is written at once, and under load the
 * events that arrive during one flush go together in the next (one script call per row per
 * flush): throughput without a linger delay. The queue holds at most {@link #CHUNK} events; the
 * task waits beyond that. A failed flush fails the task at its next event or when it closes, and
 * Spark replays the batch: what was folded in before is skipped by offset, and rows are written
 * again with the same versions.
 *
 * <p>Spark makes one instance per task (deserialized copy); not shared.
 */
public final class RealTimeAggregateWriter extends ForeachWriter<Row> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(RealTimeAggregateWriter.class);
  /** Most events queued or in one flush: bounds memory and a flush's script arguments. */
  static final int CHUNK = 2_000;
  private static final long CLOSE_WAIT_MS = 60_000;

  private final String redisUri;
  private final String namespace;
  private final String table;
  private final long ttlMillis;
  private final ServingRowReader reader;
  private final AggregateFold fold;
  private final Clock clock;
  private final WriteCountsAccumulator counts;

  private transient Keyspace keyspace;
  private transient RowStates states;
  private transient Object lock;
  private transient List<Row> queued;
  private transient boolean closing;
  private transient volatile RuntimeException failure;
  private transient Thread flusher;
  private transient WriteCounts done;
  private transient long skippedLogged;

  /** @param counts registered on the driver; each task adds what it wrote when it closes */
  public RealTimeAggregateWriter(String redisUri, String namespace, String table, long ttlMillis,
      ServingRowReader reader, AggregateFold fold, Clock clock, WriteCountsAccumulator counts) {
    this.redisUri = redisUri;
    this.namespace = namespace;
    this.table = Names.requireTableName(table);
    this.ttlMillis = ttlMillis;
    this.reader = reader;
    this.fold = fold;
    this.clock = clock;
    this.counts = counts;
    new Keyspace(namespace);
  }

  @Override
  public boolean open(long partitionId, long epochId) {
    RedisConnections.client(redisUri); // connect now, not on the first event
    keyspace = new Keyspace(namespace); // once per task, not per flush
    states = RowStates.of(redisUri + " " + namespace + " " + table + " " + partitionId);
    lock = new Object();
    queued = new ArrayList<>();
    closing = false;
    failure = null;
    done = WriteCounts.ZERO;
    skippedLogged = 0;
    flusher = new Thread(this::flushWhileOpen, "sg-fold-" + table + "-" + partitionId);
    flusher.setDaemon(true);
    flusher.start();
    return true;
  }

  @Override
  public void process(Row event) {
    synchronized (lock) {
      while (queued.size() >= CHUNK && failure == null) {
        waitOn();
      }
      if (failure != null) {
        throw new IllegalStateException("view " + table + ": writing to Redis failed; the batch"
            + " is replayed", failure);
      }
      queued.add(event);
      lock.notifyAll();
    }
  }

  @Override
  public void close(Throwable error) {
    synchronized (lock) {
      closing = true;
      lock.notifyAll();
    }
    try {
      flusher.join(CLOSE_WAIT_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    counts.add(done);
    if (error == null && (failure != null || flusher.isAlive())) {
      flusher.interrupt();
      throw new IllegalStateException("view " + table + ": the batch's last events were not"
          + " written to Redis; it is replayed", failure);
    }
  }

  private void flushWhileOpen() {
    while (true) {
      List<Row> events;
      synchronized (lock) {
        while (queued.isEmpty() && !closing) {
          waitOn();
        }
        if (queued.isEmpty()) {
          return;
        }
        events = queued;
        queued = new ArrayList<>();
        lock.notifyAll();
      }
      try {
        done = done.plus(flush(events));
      } catch (RuntimeException | Error e) { // an Error too: its events must not pass as written
        LOG.warn("view {}: writing {} events to Redis failed ({}); the batch is replayed",
            table, events.size(), e.toString());
        synchronized (lock) {
          failure = e instanceof RuntimeException r ? r : new IllegalStateException(e);
          lock.notifyAll();
        }
        return;
      }
    }
  }

  private void waitOn() {
    try {
      lock.wait();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing view " + table, e);
    }
  }

  /** One row's events of a flush. */
  private record Group(Object[] groups, List<Scripts.Delta> events) {}

  private WriteCounts flush(List<Row> events) {
    Map<String, Group> rows = new LinkedHashMap<>();
    long skipped = 0;
    for (Row event : events) {
      Object[] groups = fold.groups(event);
      String key = fold.key(groups);
      if (key == null || !validKey(key)) {
        if (skipped++ == 0 && skippedLogged++ == 0) {
          LOG.warn("view {}: skipping an event whose key cannot be served ({}); first of this"
              + " task", table, key == null ? "null key" : "invalid key");
        }
        continue;
      }
      rows.computeIfAbsent(key, k -> new Group(groups, new ArrayList<>()))
          .events().add(new Scripts.Delta(fold.partition(event), fold.offset(event),
              fold.deltas(event)));
    }
    WriteCounts counts = new WriteCounts(events.size(), 0, 0,
        events.size() - skipped - rows.size(), skipped);
    if (rows.isEmpty()) {
      return counts;
    }
    return counts.plus(ScriptCalls.withRetries(redisUri, table,
        List.of(Scripts.APPLY_DELTAS, Scripts.WRITE_ROW, Scripts.INDEX_ROW), () -> send(rows)));
  }

  private static boolean validKey(String key) {
    try {
      Names.requireKey(key);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** A row's write predicted from its last known state, and the partials it was computed from. */
  private record Prediction(List<Double> partials, RowWrite write) {}

  /**
   * Folds every row's events in and writes the rows. Where a row's state is known from an
   * earlier flush ({@link RowStates}), its write goes with its fold, in one call; the others, and
   * those whose prediction missed, are written in a second round trip. Both steps can be
   * repeated: folding skips what it has seen, writing what is not newer.
   */
  private WriteCounts send(Map<String, Group> rows) {
    UnifiedJedis client = RedisConnections.client(redisUri);
    long now = clock.millis();
    List<Response<Object>> replies = new ArrayList<>(rows.size());
    try (AbstractPipeline p = client.pipelined()) {
      rows.forEach((key, group) -> {
        Prediction predicted = predict(key, group, now);
        List<String> args = predicted == null
            ? Scripts.applyDeltasArgs(fold.folds(), group.events())
            : Scripts.applyDeltasArgs(fold.folds(), group.events(), predicted.partials(), keyspace,
                table, predicted.write().row(), ttlMillis);
        replies.add(p.evalsha(Scripts.APPLY_DELTAS.sha1(),
            Scripts.applyDeltasKeys(keyspace, table, key), args));
      });
      p.sync();
    }
    long skipped = 0;
    long applied = 0;
    long attempted = 0;
    List<Response<Object>> written = new ArrayList<>();
    List<Response<Object>> indexed = new ArrayList<>();
    try (AbstractPipeline p = client.pipelined()) {
      int i = 0;
      for (Map.Entry<String, Group> row : rows.entrySet()) {
        Group group = row.getValue();
        Scripts.Folded state = Scripts.Folded.of((List<?>) replies.get(i++).get());
        remember(row.getKey(), state);
        if (state.written()) {
          applied++;
          attempted++;
          continue;
        }
        Row serving = fold.serving(group.groups(), state.partials());
        String problem = reader.problem(serving);
        if (problem != null || state.sequence() < 1) {
          if (skipped++ == 0 && skippedLogged++ == 0) {
            LOG.warn("view {}: skipping a row that cannot be served ({}); first of this task",
                table, problem);
          }
          continue;
        }
        RowWrite write = reader.write(table, serving, state.sequence(), now);
        attempted++;
        written.add(p.evalsha(Scripts.WRITE_ROW.sha1(), write.writeKeys(keyspace),
            write.writeArgs(keyspace, ttlMillis)));
        // A row's only index entry without rank or indexes is its key, set when it is new. After
        // a crash the key may be missing although the row was folded in before: whenever this
        // flush met events folded in earlier (a replay), it is set again.
        if (reader.indexesEveryWrite() || state.folded() == state.sequence()
            || state.folded() < group.events().size()) {
          indexed.add(p.evalsha(Scripts.INDEX_ROW.sha1(), write.indexKeys(keyspace),
              write.indexArgs(keyspace)));
        }
      }
      p.sync();
    }
    indexed.forEach(Response::get); // a script error (NOSCRIPT) surfaces here
    for (Response<Object> r : written) {
      if (Long.valueOf(1).equals(r.get())) {
        applied++;
      }
    }
    return new WriteCounts(0, applied, attempted - applied, 0, skipped);
  }

  /**
   * The row's write if the script folds {@code group}'s events into the state it returned last
   * time, or null: state unknown, a view whose rows also need their index call (ranked or with
   * indexes), or a row that cannot be served.
   */
  private Prediction predict(String key, Group group, long now) {
    if (reader.indexesEveryWrite()) {
      return null;
    }
    RowStates.State last = states.get(key);
    if (last == null) {
      return null;
    }
    List<Scripts.Fold> folds = fold.folds();
    List<Double> partials = new ArrayList<>(last.partials());
    for (Scripts.Delta event : group.events()) {
      for (int i = 0; i < folds.size(); i++) {
        String value = event.values().get(i);
        if (value != null) {
          partials.set(i, folds.get(i).apply(partials.get(i), Double.parseDouble(value)));
        }
      }
    }
    List<String> texts = new ArrayList<>(partials.size());
    for (Double partial : partials) {
      texts.add(partial == null ? "" : Scripts.numberText(partial));
    }
    Row serving = fold.serving(group.groups(), texts);
    if (reader.problem(serving) != null) {
      return null;
    }
    return new Prediction(partials,
        reader.write(table, serving, last.sequence() + group.events().size(), now));
  }

  /** Keeps what the script returned as the row's state, for the next flush's prediction. */
  private void remember(String key, Scripts.Folded state) {
    List<Double> partials = new ArrayList<>(state.partials().size());
    for (String text : state.partials()) {
      try {
        partials.add(text.isEmpty() ? null : Double.parseDouble(text));
      } catch (NumberFormatException e) { // Lua's 'inf' or 'nan': not predicted
        states.remove(key);
        return;
      }
    }
    states.put(key, new RowStates.State(state.sequence(), partials));
  }
}
