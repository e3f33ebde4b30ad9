package io.streamgate.processor.runner;

import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.Names;
import io.streamgate.contract.control.ControlReply;
import io.streamgate.contract.control.ControlReply.Outcome;
import io.streamgate.contract.control.ControlReply.ViewResult;
import io.streamgate.contract.control.ControlRequest;
import io.streamgate.contract.control.ViewStatus;
import io.streamgate.contract.control.ViewStatus.State;
import io.streamgate.contract.control.ViewStatus.VersionStatus;
import io.streamgate.contract.json.Json;
import io.streamgate.processor.control.DefinitionStore;
import io.streamgate.processor.control.ViewDefinition;
import io.streamgate.processor.control.ViewDefinition.Version;
import io.streamgate.processor.lookup.LookupTables;
import io.streamgate.processor.pipeline.Messages;
import io.streamgate.processor.pipeline.Pipeline;
import io.streamgate.processor.pipeline.PipelineException;
import io.streamgate.processor.pipeline.PipelineParser;
import io.streamgate.processor.pipeline.SourceSpec;
import io.streamgate.processor.pipeline.TableSpec;
import io.streamgate.processor.sink.RedisCatalog;
import io.streamgate.processor.sink.RedisConnections;
import io.streamgate.processor.view.SourceParser;
import io.streamgate.processor.view.ViewPlan;
import io.streamgate.processor.view.ViewPlanner;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The published views of a running processor and the queries of their versions. Views are
 * published, altered and dropped while the processor runs ({@link #handle}, from the admin
 * API's control requests), their definitions kept in Redis ({@link DefinitionStore}) so a
 * restarted processor resumes them. The pipeline file is the bootstrap: see {@link #bootstrap}.
 *
 * <p><b>Versions.</b> Altering a view starts version N+1 beside N, in its own table and
 * checkpoint, reading its sources from the earliest retained offset. Once it is at most {@code
 * switchLag} records behind, the view's catalog entry names it: every gateway switches in one
 * step. Version N retires: its rows stay readable for {@code retireGrace}, then its query stops
 * and its rows and checkpoint are deleted. An incompatible change of state can never break the
 * running version, because it is never the same checkpoint.
 *
 * <p><b>Isolation.</b> A query that fails marks its version {@code failed} with the reason; the
 * other views run on. A definition that no longer plans is marked failed too.
 *
 * <p><b>Threads.</b> Every change runs on one thread of its own ({@code streamgate-views}):
 * control requests, the periodic {@link #tick} and query terminations, so nothing here needs a
 * lock. Public methods hand their work to that thread and wait for it.
 */
final class ViewManager implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ViewManager.class);
  static final Duration TICK = Duration.ofSeconds(1);
  /**
   * Status is rewritten at least this often, so readers can tell a live processor by it and its
   * freshness (watermark, caught-up instant) is at most this old: one HSET per view, whatever
   * the event rate.
   */
  static final Duration STATUS_REFRESH = TICK;
  /**
   * A failed query is started again after 5 s, then twice as long each time, at most every 5
   * minutes: a Redis or Kafka outage heals by itself; a definition that fails on its data keeps
   * failing, visibly, until it is fixed or dropped.
   */
  static final Duration RETRY_FIRST = Duration.ofSeconds(5);
  static final Duration RETRY_MAX = Duration.ofMinutes(5);
  /**
   * A backfill reads at most this many records per batch (unless its source sets {@code
   * maxOffsetsPerTrigger}): short batches, so the live views' tasks get slots in between.
   */
  static final long BACKFILL_BATCH_RECORDS = 20_000;
  /** The fair-scheduler pool of backfilling versions; live views stay in the default pool. */
  static final String BACKFILL_POOL = "backfill";
  /**
   * Task slots a backfill leaves to the live views: it reads its sources with at most this many
   * tasks fewer than Spark has slots. Tasks are not preempted and the fair pools only decide who
   * gets the next free slot, so a backfill batch that held every slot (one read task per Kafka
   * partition: both of {@code local[2]}'s) made the live views' batches wait for its slowest task.
   */
  static final int BACKFILL_FREE_SLOTS = 1;

  /** The query of one view version. */
  private record Running(String view, long version, ViewPlan plan, StreamingQuery query) {}

  /** Why a version did not start; {@code checkpoint} when its checkpoint does not match. */
  private record Failure(String reason, boolean checkpoint) {}

  /** The next attempt at a failed version: attempts so far, and when. */
  private record Retry(int attempts, long at) {}

  private final SparkSession spark;
  private final ProcessorSettings settings;
  private final DefinitionStore store;
  private final ProgressLog progressLog;
  private final WindowCloser windowCloser;
  private final Clock clock;
  private final ScheduledExecutorService thread;

  /** Published sources in the pipeline file's format, and parsed. */
  private final Map<String, Map<String, Object>> sourceDocs = new TreeMap<>();
  private final Map<String, SourceSpec> sources = new LinkedHashMap<>();
  private final TaskSlots slots;
  private final Map<String, Dataset<Row>> parsedSources = new LinkedHashMap<>();
  /** Published lookup tables ({@code kind: table} sources), kept refreshed by {@link #lookups}. */
  private final Map<String, TableSpec> tables = new LinkedHashMap<>();
  private final LookupTables lookups;
  private final Map<String, StreamingQuery> deadLetters = new LinkedHashMap<>();
  private final Map<String, ViewDefinition> views = new TreeMap<>();
  /** By table. */
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  private final Map<UUID, String> tableOfQuery = new ConcurrentHashMap<>();
  private final Map<String, String> lastStatus = new TreeMap<>();
  /** Failed versions by table: when to start them again. */
  private final Map<String, Retry> retries = new HashMap<>();
  /** Views whose definition or catalog entry could not be written to Redis yet. */
  private final Set<String> dirty = new TreeSet<>();
  private long lastStatusWrite;
  private final Listener listener = new Listener();
  private final FreshnessTracker freshness = new FreshnessTracker();

  private ViewManager(SparkSession spark, ProcessorSettings settings, LookupTables lookups,
      ProgressLog progressLog, WindowCloser windowCloser, Clock clock) {
    this.spark = spark;
    this.lookups = lookups;
    this.settings = settings;
    this.slots = new TaskSlots(sources, settings.kafkaBootstrap());
    this.store = new DefinitionStore(settings.redisUri(), settings.keyspace());
    this.progressLog = progressLog;
    this.windowCloser = windowCloser;
    this.clock = clock;
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "streamgate-views");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Resumes the published views and applies the pipeline file over them, then starts every
   * query and the periodic tick.
   *
   * @param file     the pipeline file, parsed
   * @param fileDoc  its raw document ({@link PipelineParser#document})
   * @param lookups  opens the lookup tables the views join (closed by the caller)
   * @throws PipelineException if a view of the file does not plan (nothing is started)
   * @throws CheckpointMismatchException if a view of the file has a checkpoint that is not the
   *     one its rows came from
   */
  static ViewManager start(SparkSession spark, ProcessorSettings settings, Pipeline file,
      Map<String, Object> fileDoc, LookupTables lookups, ProgressLog progressLog,
      WindowCloser windowCloser, Clock clock) {
    ViewManager manager = new ViewManager(spark, settings, lookups, progressLog, windowCloser,
        clock);
    spark.streams().addListener(manager.listener);
    try {
      manager.call(() -> {
        manager.bootstrap(file, fileDoc);
        return null;
      });
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
    manager.thread.scheduleWithFixedDelay(manager::tickSafely, TICK.toMillis(), TICK.toMillis(),
        TimeUnit.MILLISECONDS);
    return manager;
  }

  /** Carries out an admin request on the manager's thread; see {@link ControlRequest}. */
  ControlReply handle(ControlRequest request) {
    return call(() -> switch (request.op()) {
      case APPLY -> apply(request);
      case DROP -> drop(request);
      case PREVIEW -> Previews.run(spark, settings, request, sources, tables, lookups);
    });
  }

  /** The running queries by table, for tests and the runner. */
  Map<String, StreamingQuery> queries() {
    Map<String, StreamingQuery> out = new TreeMap<>();
    running.forEach((table, r) -> out.put(table, r.query()));
    return out;
  }

  Map<String, StreamingQuery> deadLetterQueries() {
    return Map.copyOf(deadLetters);
  }

  // ---------------------------------------------------------------- bootstrap

  /**
   * The pipeline file over the published views: a file view not published yet is created; one
   * whose definition in the file changed since the file last gave it is altered (a new version);
   * one the file gives unchanged is left as it is, even if it was altered at runtime since (the
   * runtime change wins until the file changes). Views published at runtime and not in the file
   * stay. Sources of the file replace published ones of the same name.
   */
  private void bootstrap(Pipeline file, Map<String, Object> fileDoc) throws TimeoutException {
    long now = clock.millis();
    Map<String, Map<String, Object>> fileSources = section(fileDoc, "sources");
    Map<String, Map<String, Object>> fileViews = section(fileDoc, "views");
    sourceDocs.putAll(store.sources());
    fileSources.forEach((name, doc) -> {
      Map<String, Object> old = sourceDocs.put(name, doc);
      if (old != null && !ViewDefinition.specHash(old).equals(ViewDefinition.specHash(doc))) {
        LOG.warn("source {}: the pipeline file changes its published definition; views reading"
            + " it restart from their checkpoints with the new one", name);
      }
    });
    views.putAll(store.views());
    List<String> changed = new ArrayList<>();
    for (Map.Entry<String, Map<String, Object>> e : fileViews.entrySet()) {
      String name = e.getKey();
      Map<String, Object> spec = e.getValue();
      String hash = ViewDefinition.specHash(spec);
      ViewDefinition def = views.get(name);
      if (def != null && def.dropped()) {
        // Its tables and checkpoints go when the grace ends (the first tick, if it has passed);
        // a new first version now would find them.
        LOG.warn("view {} is being dropped (rows deleted at {}); the pipeline file's definition"
            + " is not applied: apply it again after that", name,
            Instant.ofEpochMilli(def.latest().retireAt()));
      } else if (def == null) {
        views.put(name, firstVersion(name, spec, now, hash));
        changed.add(name + " (new)");
      } else if (!hash.equals(def.fileHash())) {
        views.put(name, def.runs(spec) ? def.withFileHash(hash) : def.altered(spec, now, hash));
        changed.add(name + (def.runs(spec) ? " (as published)" : " (altered: v"
            + views.get(name).latest().version() + ")"));
      }
    }
    parseSources();
    store.save(views.values(), sourceDocs);
    if (!changed.isEmpty()) {
      LOG.info("pipeline file applied over the published views: {}", String.join(", ", changed));
    }
    // A file view whose checkpoint is not the one its rows came from refuses the start, as it
    // always did (a runtime view in that state is marked failed instead).
    List<String> fileTables = new ArrayList<>();
    for (String name : fileViews.keySet()) {
      if (startable(views.get(name))) {
        for (Version v : views.get(name).versions()) {
          fileTables.add(Names.table(name, v.version()));
        }
      }
    }
    new ViewCheckpoints(spark.sparkContext().hadoopConfiguration(), settings).check(fileTables);
    for (SourceSpec source : sources.values()) {
      KafkaTopics.ensureExist(settings.kafkaBootstrap(), source);
      deadLetters.put(source.name(), DeadLetterQueries.start(spark, settings, source));
    }
    RedisCatalog.registerStreams(settings.redisUri(), settings.keyspace(),
        sources.values().stream().filter(SourceSpec::ingestible).map(s -> s.streamEntry(now))
            .toList());
    for (ViewDefinition def : List.copyOf(views.values())) {
      if (startable(def)) {
        for (Version v : def.versions()) {
          startVersion(def.name(), v.state() == State.FAILED ? restored(def, v) : v);
        }
      }
      update(views.get(def.name()));
    }
    writeStatus(true);
  }

  /** Whether a view's versions have queries: all but a dropped view's (stopped at the drop). */
  private static boolean startable(ViewDefinition def) {
    return !def.dropped();
  }

  /** A failed version back in the state it failed in: serving (live) or backfilling. */
  private Version restored(ViewDefinition def, Version v) {
    Version back = v.withState(def.serving() == v.version() ? State.LIVE : State.BACKFILLING, 0,
        "");
    views.put(def.name(), def.withVersion(back));
    return back;
  }

  private ViewDefinition firstVersion(String name, Map<String, Object> spec, long now,
      String fileHash) {
    // A first version serves its name at once: there is nothing older to keep serving.
    return ViewDefinition.created(name, spec, now, fileHash).withServing(1);
  }

  /**
   * Parses every published source and makes its Kafka topic readable; opens every published
   * lookup table (reading its first copy).
   */
  private void parseSources() {
    if (sourceDocs.isEmpty()) {
      return;
    }
    Pipeline parsed = PipelineParser.parseChange("published sources",
        Json.write(Map.of("sources", sourceDocs)));
    for (SourceSpec source : parsed.sources().values()) {
      if (!sources.containsKey(source.name())) {
        sources.put(source.name(), source);
        parsedSources.put(source.name(), SourceParser.parse(source,
            KafkaSources.read(spark, source, settings.kafkaBootstrap())));
      }
    }
    for (TableSpec table : parsed.tables().values()) {
      if (!tables.containsKey(table.name())) {
        tables.put(table.name(), table);
        lookups.open(table);
      }
    }
  }

  /** What views read: the given streams and every open lookup table. */
  private Map<String, Dataset<Row>> withLookups(Map<String, Dataset<Row>> streams) {
    Map<String, Dataset<Row>> out = new LinkedHashMap<>(streams);
    out.putAll(lookups.readAll(spark));
    return out;
  }

  // ---------------------------------------------------------------- requests

  private ControlReply apply(ControlRequest request) throws TimeoutException {
    boolean dryRun = Boolean.TRUE.equals(request.body().get("dryRun"));
    Object pipelineBody = request.body().get("pipeline");
    if (!(pipelineBody instanceof Map<?, ?>)) {
      return ControlReply.refused(request.id(), "the request has no 'pipeline' object");
    }
    String origin = request.body().get("file") instanceof String f ? f : "apply " + request.id();
    String text = Json.write(pipelineBody);
    Pipeline change;
    try {
      change = PipelineParser.parseChange(origin, text);
    } catch (PipelineException e) {
      return ControlReply.refused(request.id(), String.join("\n", e.problems()));
    }
    Map<String, Object> doc = PipelineParser.document(text);
    Map<String, Map<String, Object>> newSourceDocs = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    section(doc, "sources").forEach((name, spec) -> {
      Map<String, Object> published = sourceDocs.get(name);
      if (published == null) {
        newSourceDocs.put(name, spec);
      } else if (!ViewDefinition.specHash(published).equals(ViewDefinition.specHash(spec))) {
        problems.add(origin + ": source '" + name + "': differs from the published source of that"
            + " name; changing a source in place is not supported: publish it under a new name");
      }
    });
    Map<String, SourceSpec> allSources = new LinkedHashMap<>(sources);
    allSources.putAll(change.sources());
    Map<String, TableSpec> allTables = new LinkedHashMap<>(tables);
    allTables.putAll(change.tables());
    Map<String, Dataset<Row>> allParsed = withLookups(parsedSources);
    for (TableSpec table : change.tables().values()) {
      if (!tables.containsKey(table.name())) {
        // Planned against its shape; its first copy is read once the request is accepted.
        allParsed.put(table.name(), LookupTables.shape(spark, table));
      }
    }
    for (SourceSpec source : change.sources().values()) {
      if (newSourceDocs.containsKey(source.name())) {
        KafkaTopics.ensureExist(settings.kafkaBootstrap(), source);
        allParsed.put(source.name(), SourceParser.parse(source,
            KafkaSources.read(spark, source, settings.kafkaBootstrap())));
      }
    }
    Map<String, Map<String, Object>> viewDocs = section(doc, "views");
    List<ViewResult> results = new ArrayList<>();
    Map<String, ViewDefinition> next = new LinkedHashMap<>();
    long now = clock.millis();
    for (Map.Entry<String, Map<String, Object>> e : viewDocs.entrySet()) {
      String name = e.getKey();
      ViewDefinition def = views.get(name);
      if (def != null && def.dropped()) {
        // Its tables and checkpoints still exist until the grace ends; a new view of the same
        // name would find them.
        problems.add(origin + ": view '" + name + "': is being dropped (rows deleted at "
            + Instant.ofEpochMilli(def.latest().retireAt()) + "); apply it again after that");
        continue;
      }
      if (def != null && def.runs(e.getValue())) {
        results.add(new ViewResult(name, Outcome.UNCHANGED, def.latest().version(), ""));
        continue;
      }
      try {
        ViewPlanner.plan(spark, new Pipeline(origin, allSources, allTables,
            Map.of(name, change.views().get(name))), allParsed);
      } catch (PipelineException p) {
        problems.addAll(p.problems());
        continue;
      }
      ViewDefinition updated = def == null
          ? firstVersion(name, e.getValue(), now, null)
          : def.altered(e.getValue(), now, def.fileHash());
      next.put(name, updated);
      long version = updated.latest().version();
      results.add(def == null
          ? new ViewResult(name, Outcome.CREATED, version, "v" + version + " backfilling")
          : new ViewResult(name, Outcome.ALTERED, version, "v" + version + " backfilling"
              + retentionNote(change.views().get(name).sql(), allSources)));
    }
    if (!problems.isEmpty()) {
      return ControlReply.refused(request.id(), String.join("\n", problems));
    }
    if (dryRun) {
      return new ControlReply(request.id(), true, null, results.stream().map(r ->
          r.outcome() == Outcome.UNCHANGED ? r : new ViewResult(r.view(), r.outcome(),
              r.version(), "would be v" + r.version() + " (dry run)")).toList(), null);
    }
    sourceDocs.putAll(newSourceDocs);
    store.save(next.values(), newSourceDocs); // all of the request or nothing
    views.putAll(next);
    if (!newSourceDocs.isEmpty()) {
      parseSources();
      for (String name : newSourceDocs.keySet()) {
        if (sources.containsKey(name)) {
          deadLetters.put(name, DeadLetterQueries.start(spark, settings, sources.get(name)));
        }
      }
      RedisCatalog.registerStreams(settings.redisUri(), settings.keyspace(), newSourceDocs
          .keySet().stream().map(sources::get).filter(s -> s != null && s.ingestible())
          .map(s -> s.streamEntry(now)).toList());
    }
    for (ViewDefinition def : next.values()) {
      Failure failure = startVersion(def.name(), def.latest());
      if (failure != null) {
        results.replaceAll(r -> r.view().equals(def.name())
            ? new ViewResult(r.view(), r.outcome(), r.version(), "failed: " + failure.reason())
            : r);
      }
      update(views.get(def.name()));
    }
    LOG.info("views apply by {} from {} ({}): {}", request.who(), request.from(), origin,
        results.stream().map(ViewResult::line).toList());
    writeStatus(true);
    return new ControlReply(request.id(), true, null, results, null);
  }

  private ControlReply drop(ControlRequest request) {
    String name = String.valueOf(request.body().get("view"));
    ViewDefinition def = views.get(name);
    if (def == null || def.dropped()) {
      return ControlReply.refused(request.id(), "no published view named '" + name + "'");
    }
    long retireAt = clock.millis() + settings.retireGrace().toMillis();
    ViewDefinition dropped = def.asDropped();
    for (Version v : def.versions()) {
      stopQuery(Names.table(name, v.version()));
      dropped = dropped.withVersion(v.withState(State.RETIRING, retireAt, "dropped"));
    }
    update(dropped);
    LOG.info("view {} dropped by {} from {}: its queries stopped; rows deleted at {}", name,
        request.who(), request.from(), Instant.ofEpochMilli(retireAt));
    writeStatus(true);
    return new ControlReply(request.id(), true, null, List.of(new ViewResult(name,
        Outcome.DROPPED, def.latest().version(), "rows deleted at "
            + Instant.ofEpochMilli(retireAt))), null);
  }

  /**
   * A warning for a backfill that cannot see every event: a source topic whose earliest
   * retained offset is past 0 lost events to retention, so a new version's totals miss them.
   */
  private String retentionNote(String sql, Map<String, SourceSpec> allSources) {
    List<String> notes = new ArrayList<>();
    for (SourceSpec source : allSources.values()) {
      if (!sql.contains(source.name())) {
        continue;
      }
      long dropped = KafkaTopics.retentionDropped(settings.kafkaBootstrap(), source);
      if (dropped > 0) {
        notes.add("topic " + source.topic() + " no longer holds its first " + dropped
            + " records (retention): the new version cannot count them");
      }
    }
    return notes.isEmpty() ? "" : "; warning: " + String.join("; ", notes);
  }

  // ---------------------------------------------------------------- queries

  /**
   * Plans and starts one version's query; marks the version failed (and says why) if it does
   * not plan or start.
   */
  private Failure startVersion(String view, Version v) {
    String table = Names.table(view, v.version());
    if (running.containsKey(table)) {
      return null;
    }
    try {
      boolean backfill = v.version() > 1 && v.state() == State.BACKFILLING;
      Map<String, Dataset<Row>> inputs = withLookups(backfill ? fromEarliest() : parsedSources);
      Pipeline pipeline = PipelineParser.parseChange(view + " v" + v.version(),
          Json.write(Map.of("sources", sourceDocs, "views", Map.of(view, v.spec()))));
      ViewPlan plan = ViewPlanner.plan(spark, new Pipeline(pipeline.origin(), sources, tables,
          pipeline.views()), inputs).get(0);
      String shortage = slots.shortage(plan, runningPlans(), spark.sparkContext().defaultParallelism());
      if (shortage != null) {
        return failed(view, v.version(), shortage, false);
      }
      ViewCheckpoints checkpoints =
          new ViewCheckpoints(spark.sparkContext().hadoopConfiguration(), settings);
      checkpoints.check(List.of(table));
      // The query's thread inherits the pool from this one (Spark's local properties).
      spark.sparkContext().setLocalProperty("spark.scheduler.pool",
          backfill ? BACKFILL_POOL : null);
      StreamingQuery query;
      try {
        query = ViewQueries.start(spark, settings, plan, table, progressLog, windowCloser);
      } finally {
        spark.sparkContext().setLocalProperty("spark.scheduler.pool", null);
      }
      tableOfQuery.put(query.id(), table);
      running.put(table, new Running(view, v.version(), plan, query));
      LOG.info("view {} v{}: query started ({})", view, v.version(), v.state().wireName());
      return null;
    } catch (CheckpointMismatchException e) {
      return failed(view, v.version(), String.join("; ", e.problems()), true);
    } catch (PipelineException e) {
      return failed(view, v.version(), String.join("; ", e.problems()), false);
    } catch (TimeoutException | RuntimeException e) {
      return failed(view, v.version(), Messages.firstLine(e), false);
    }
  }

  private Failure failed(String view, long version, String reason, boolean checkpoint) {
    markFailed(view, version, reason);
    return new Failure(reason, checkpoint);
  }

  /** The published sources read again from the earliest retained offset, for a backfill. */
  private Map<String, Dataset<Row>> fromEarliest() {
    Map<String, Dataset<Row>> out = new LinkedHashMap<>();
    for (SourceSpec source : sources.values()) {
      SourceSpec earliest = source.withOption("startingOffsets", "earliest");
      if (!source.options().containsKey("maxOffsetsPerTrigger")) {
        earliest = earliest.withOption("maxOffsetsPerTrigger", Long.toString(BACKFILL_BATCH_RECORDS));
      }
      Dataset<Row> raw = KafkaSources.read(spark, earliest, settings.kafkaBootstrap())
          .coalesce(backfillReadTasks(
              spark.sparkContext().defaultParallelism() - slots.held(runningPlans())));
      out.put(source.name(), SourceParser.parse(earliest, raw));
    }
    return out;
  }

  private List<ViewPlan> runningPlans() {
    return running.values().stream().map(Running::plan).toList();
  }

  /**
   * How many tasks a backfill reads with when {@code slots} task slots are not held by real-time
   * queries: all but
   * {@link #BACKFILL_FREE_SLOTS}, at least one. (A topic with fewer partitions reads with fewer.)
   */
  static int backfillReadTasks(int slots) {
    return Math.max(1, slots - BACKFILL_FREE_SLOTS);
  }

  private void stopQuery(String table) {
    Running r = running.remove(table);
    if (r != null) {
      tableOfQuery.remove(r.query().id());
      ViewQueries.stop(table, r.query());
      windowCloser.remove(table);
    }
  }

  private void markFailed(String view, long version, String reason) {
    ViewDefinition def = views.get(view);
    if (def == null || def.version(version).isEmpty()) {
      return;
    }
    String table = Names.table(view, version);
    Retry previous = retries.get(table);
    int attempts = previous == null ? 1 : previous.attempts() + 1;
    long delay = Math.min(RETRY_MAX.toMillis(),
        RETRY_FIRST.toMillis() << Math.min(attempts - 1, 16));
    retries.put(table, new Retry(attempts, clock.millis() + delay));
    update(def.withVersion(def.version(version).orElseThrow().withState(State.FAILED, 0, reason)));
    LOG.error("view {} v{} failed: {}. The other views run on; it is started again in {} s (attempt"
        + " {}); if it keeps failing, fix the definition and apply it again (./streamgate views"
        + " apply), or drop it.", view, version, reason, delay / 1000, attempts + 1);
  }

  /**
   * Takes a changed definition: in memory at once, then to Redis (definition and catalog entry).
   * If Redis does not answer, the view stays dirty and {@link #tick} writes it later, so a Redis
   * outage delays what others see of a change but never loses it.
   */
  private void update(ViewDefinition def) {
    views.put(def.name(), def);
    dirty.add(def.name());
    flush(def.name());
  }

  private void flush(String view) {
    ViewDefinition def = views.get(view);
    try {
      if (def != null) {
        store.save(def);
        register(def);
      }
      dirty.remove(view);
    } catch (RuntimeException e) {
      LOG.warn("view {}: cannot write its definition or catalog entry to Redis ({}); retried"
          + " every {} s", view, Messages.firstLine(e), TICK.toSeconds());
    }
  }

  // ---------------------------------------------------------------- catalog

  /** Registers the view's catalog entry: the serving version and the others readable now. */
  private void register(ViewDefinition def) {
    if (def.dropped() || def.serving() == 0) {
      return;
    }
    Running serving = running.get(Names.table(def.name(), def.serving()));
    ViewPlan plan = serving != null ? serving.plan() : null;
    if (plan == null) {
      return; // not running (failed): its last entry stays, and its rows stay readable
    }
    List<Long> others = new ArrayList<>();
    for (Version v : def.versions()) {
      if (v.version() != def.serving() && (v.state() == State.BACKFILLING
          || v.state() == State.RETIRING || v.state() == State.LIVE)) {
        others.add(v.version());
      }
    }
    CatalogEntry entry = plan.catalogEntry(clock.millis()).withVersions(def.serving(), others);
    RedisCatalog.register(settings.redisUri(), settings.keyspace(), List.of(entry));
  }

  private void unregister(String view) {
    RedisCatalog.unregister(settings.redisUri(), settings.keyspace(), view);
  }

  // ---------------------------------------------------------------- tick

  private void tickSafely() {
    try {
      tick();
    } catch (RuntimeException e) {
      LOG.warn("view housekeeping failed ({}); retried in {} s", e.toString(), TICK.toSeconds());
    }
  }

  /**
   * Switches caught-up versions in, retires old ones whose grace has passed, and writes the
   * views' status.
   */
  private void tick() {
    long now = clock.millis();
    for (String view : List.copyOf(dirty)) {
      flush(view);
    }
    for (ViewDefinition def : List.copyOf(views.values())) {
      for (Version v : def.versions()) {
        String table = Names.table(def.name(), v.version());
        Retry retry = retries.get(table);
        if (v.state() == State.FAILED && !def.dropped() && retry != null && retry.at() <= now) {
          LOG.info("view {} v{}: starting it again (attempt {})", def.name(), v.version(),
              retry.attempts() + 1);
          startVersion(def.name(), restored(views.get(def.name()), v));
          flush(def.name());
        } else if (retry != null && v.state() != State.FAILED && running.containsKey(table)
            && now - retry.at() > RETRY_MAX.toMillis()) {
          retries.remove(table); // ran well for a while: the next failure starts over at 5 s
        }
        if (v.state() == State.BACKFILLING) {
          Running r = running.get(table);
          Backfill backfill = r == null ? Backfill.UNKNOWN : Backfill.of(r.query().lastProgress());
          if (backfill.known() && backfill.lag() <= settings.switchLag()) {
            switchTo(def.name(), v.version(), now);
          }
        } else if (v.state() == State.RETIRING && v.retireAt() <= now) {
          retire(def.name(), v.version());
        }
      }
    }
    writeStatus(false);
  }

  /** Version {@code version} caught up: it serves the view's name from now on. */
  private void switchTo(String view, long version, long now) {
    ViewDefinition def = views.get(view);
    long old = def.serving();
    ViewDefinition next = def.withServing(version);
    next = next.withVersion(next.version(version).orElseThrow().withState(State.LIVE, 0, ""));
    long retireAt = now + settings.retireGrace().toMillis();
    if (old != version && old != 0) {
      Version previous = next.version(old).orElse(null);
      if (previous != null) {
        next = next.withVersion(previous.withState(State.RETIRING, retireAt, "replaced by v"
            + version));
      }
    }
    // Any other version still backfilling or failed between them is superseded too.
    for (Version v : next.versions()) {
      if (v.version() < version && v.version() != old
          && (v.state() == State.BACKFILLING || v.state() == State.FAILED)) {
        next = next.withVersion(v.withState(State.RETIRING, retireAt, "superseded by v" + version));
        stopQuery(Names.table(view, v.version()));
      }
    }
    update(next);
    if (old != version && old != 0) {
      LOG.info("view {}: v{} caught up and now serves the view; v{} stays readable until {}",
          view, version, old, Instant.ofEpochMilli(retireAt));
    } else {
      LOG.info("view {} v{}: caught up with its sources (live)", view, version);
    }
  }

  /** A retired version's grace is over: stop it, delete its rows and checkpoint. */
  private void retire(String view, long version) {
    String table = Names.table(view, version);
    stopQuery(table);
    new ViewCheckpoints(spark.sparkContext().hadoopConfiguration(), settings).reset(table);
    ViewDefinition next = views.get(view).withoutVersion(version);
    freshness.remove(table);
    if (next.versions().isEmpty()) {
      views.remove(view);
      store.remove(view);
      unregister(view);
      LOG.info("view {} is gone: its rows and checkpoints are deleted", view);
      return;
    }
    retries.remove(table);
    update(next);
    LOG.info("view {} v{} retired: its rows and checkpoint are deleted", view, version);
  }

  /** Writes each view's status when it changed, and all of them every {@link #STATUS_REFRESH}. */
  private void writeStatus(boolean force) {
    long now = clock.millis();
    boolean refresh = force || now - lastStatusWrite >= STATUS_REFRESH.toMillis();
    for (ViewDefinition def : views.values()) {
      List<VersionStatus> versions = new ArrayList<>();
      for (Version v : def.versions()) {
        Running r = running.get(Names.table(def.name(), v.version()));
        Backfill backfill = r == null ? Backfill.UNKNOWN : Backfill.of(r.query().lastProgress());
        String table = Names.table(def.name(), v.version());
        StreamingQuery query = r == null ? null : r.query();
        long caughtUpAt = freshness.caughtUpAt(table, query,
            query != null && ViewQueries.isRealTime(query), now);
        versions.add(new VersionStatus(v.version(), v.state(),
            v.state() == State.LIVE ? 1 : backfill.progress(), backfill.lag(),
            rows(table), freshness.watermark(table, query), reason(def, v), caughtUpAt));
      }
      ViewStatus status = new ViewStatus(def.name(), def.serving(), versions, now);
      String comparable = Json.write(status.versions().stream().map(v -> List.of(v.version(),
          v.state().wireName(), Math.round(v.progress() * 100), v.reason())).toList());
      if (refresh || !Objects.equals(lastStatus.get(def.name()), comparable)) {
        try {
          store.saveStatus(status);
          lastStatus.put(def.name(), comparable);
        } catch (RuntimeException e) {
          return; // Redis is away: flush() says so; the status is written again next tick
        }
      }
    }
    if (refresh) {
      lastStatusWrite = now;
    }
  }

  /** Rows in a table, from its key index; -1 if Redis does not answer. */
  private long rows(String table) {
    try {
      return RedisConnections.client(settings.redisUri())
          .zcard(settings.keyspace().keysIndex(table));
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private String reason(ViewDefinition def, Version v) {
    if (v.state() == State.RETIRING) {
      return v.reason() + ", rows deleted at " + Instant.ofEpochMilli(v.retireAt());
    }
    Retry retry = retries.get(Names.table(def.name(), v.version()));
    if (v.state() == State.FAILED && retry != null) {
      return v.reason() + " (started again at " + Instant.ofEpochMilli(retry.at()) + ")";
    }
    return v.reason();
  }

  // ---------------------------------------------------------------- plumbing

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> section(Map<String, Object> doc, String name) {
    Object value = doc.get(name);
    Map<String, Map<String, Object>> out = new TreeMap<>();
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> out.put(String.valueOf(k), (Map<String, Object>) v));
    }
    return out;
  }

  /** A task for the manager's thread. */
  @FunctionalInterface
  private interface Task<T> {
    T run() throws Exception;
  }

  private <T> T call(Task<T> task) {
    try {
      return thread.submit(task::run).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the view manager worked", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /** Stops every query (views, then dead letters) and the manager's thread. */
  @Override
  public void close() {
    spark.streams().removeListener(listener);
    try {
      call(() -> {
        for (String table : List.copyOf(running.keySet())) {
          stopQuery(table);
        }
        deadLetters.forEach(ViewQueries::stop);
        deadLetters.clear();
        return null;
      });
    } finally {
      thread.shutdownNow();
    }
  }

  /** Hands query terminations to the manager's thread. */
  private final class Listener extends StreamingQueryListener {
    @Override
    public void onQueryStarted(QueryStartedEvent event) {}

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
      String table = tableOfQuery.get(event.progress().id());
      if (table != null) {
        freshness.onProgress(table, event.progress());
      }
    }

    @Override
    public void onQueryIdle(QueryIdleEvent event) {}

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {
      if (event.exception().isEmpty()) {
        return; // stopped by us
      }
      String table = tableOfQuery.get(event.id());
      if (table == null) {
        return;
      }
      String reason = event.exception().get().strip().lines().findFirst().orElse("unknown error");
      thread.execute(() -> {
        Running r = running.remove(table);
        if (r != null) {
          tableOfQuery.remove(event.id());
          windowCloser.remove(table);
          markFailed(r.view(), r.version(), reason);
          writeStatus(true);
        }
      });
    }
  }
}
