package io.streamgate.processor.runner;

import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.ViewKind;
import io.streamgate.contract.events.StreamEntry;
import io.streamgate.processor.metrics.MetricsServer;
import io.streamgate.processor.metrics.ProcessorMetrics;
import io.streamgate.processor.pipeline.Pipeline;
import io.streamgate.processor.pipeline.PipelineException;
import io.streamgate.processor.pipeline.PipelineParser;
import io.streamgate.processor.pipeline.SourceSpec;
import io.streamgate.processor.sink.BatchWriter;
import io.streamgate.processor.sink.RedisCatalog;
import io.streamgate.processor.sink.RealTimeRowWriter;
import io.streamgate.processor.sink.RedisRowWriter;
import io.streamgate.processor.sink.RedisUnavailableException;
import io.streamgate.processor.sink.ServingRowReader;
import io.streamgate.processor.sink.WindowExpiry;
import io.streamgate.processor.view.SourceParser;
import io.streamgate.processor.view.ViewPlan;
import io.streamgate.processor.view.ViewPlanner;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a pipeline: reads the file, checks Redis, makes sure the source and dead-letter topics
 * exist, starts Spark, validates every view, resets the views asked for and checks that every
 * view's checkpoint matches its rows ({@link ViewCheckpoints}), registers the views in the
 * catalog and the sources
 * as streams for event ingest, then starts one dead-letter query per source and one streaming
 * query per view (each with its own checkpoint directory, so each view's batch ids, and so its
 * versions, are its own; latest views with {@code trigger: realtime} in Spark's real-time mode).
 * Serves metrics if asked. The thin I/O shell around the pure parts ({@link SourceParser},
 * {@link ViewPlanner}, {@code DeadLetters}).
 *
 * <p>Start and stop from one thread (main, or a shutdown hook); {@link #stop()} is idempotent and
 * may race with {@link #awaitAnyTermination()} on another thread.
 */
public final class PipelineRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineRunner.class);
  /** How long stopping waits for a view's running batch to finish before interrupting it. */
  static final Duration STOP_GRACE = Duration.ofSeconds(10);
  /** All interfaces: Prometheus scrapes from elsewhere on a cluster. */
  static final String METRICS_HOST = "0.0.0.0";

  private final SparkSession spark;
  private final Map<String, StreamingQuery> queries;
  private final Map<String, StreamingQuery> deadLetterQueries;
  private final ProgressLog progressLog;
  private final MetricsServer metricsServer;
  private boolean stopped;

  private PipelineRunner(SparkSession spark, Map<String, StreamingQuery> queries,
      Map<String, StreamingQuery> deadLetterQueries, ProgressLog progressLog,
      MetricsServer metricsServer) {
    this.spark = spark;
    this.queries = queries;
    this.deadLetterQueries = deadLetterQueries;
    this.progressLog = progressLog;
    this.metricsServer = metricsServer;
  }

  /**
   * @throws io.streamgate.processor.pipeline.PipelineException if the pipeline cannot run
   * @throws RedisUnavailableException if Redis does not answer
   * @throws KafkaUnavailableException if Kafka does not answer
   */
  public static PipelineRunner start(ProcessorSettings settings) throws TimeoutException {
    return start(settings, Set.of());
  }

  /**
   * As {@link #start(ProcessorSettings)}, after clearing the rows and versions of {@code
   * resetViews} in Redis and deleting their checkpoints, so they start over.
   *
   * @throws CheckpointMismatchException if a view's checkpoint is not the one its rows in Redis
   *     were written from (see {@link ViewCheckpoints})
   */
  public static PipelineRunner start(ProcessorSettings settings, Set<String> resetViews)
      throws TimeoutException {
    Pipeline pipeline = PipelineParser.parse(settings.pipelineFile());
    for (String view : resetViews) {
      if (!pipeline.views().containsKey(view)) {
        throw new PipelineException(List.of("--reset-view " + view + ": " + settings.pipelineFile()
            + " has no such view (views: " + String.join(", ", pipeline.views().keySet()) + ")"));
      }
    }
    LOG.info("pipeline {}: sources {}; views {}", settings.pipelineFile(),
        String.join(", ", pipeline.sources().keySet()), String.join(", ", pipeline.views().keySet()));
    LOG.info("Kafka {}, Redis {} (namespace '{}'), checkpoints {}, Spark {}",
        settings.kafkaBootstrap(), RedisUnavailableException.redact(settings.redisUri()),
        settings.namespace(), settings.checkpoints(), settings.master());
    RedisCatalog.ping(settings.redisUri());
    for (SourceSpec source : pipeline.sources().values()) {
      KafkaTopics.ensureExist(settings.kafkaBootstrap(), source);
    }

    ProcessorMetrics metrics = new ProcessorMetrics();
    MetricsServer metricsServer = null;
    if (settings.metricsPort() >= 0) {
      metricsServer = MetricsServer.start(METRICS_HOST, settings.metricsPort(), metrics);
      LOG.info("metrics on http://{}:{}/metrics", METRICS_HOST, metricsServer.port());
    }
    SparkSession spark = SparkSessions.create(settings);
    ProgressLog progressLog = new ProgressLog(metrics);
    WindowCloser windowCloser = new WindowCloser(metrics);
    Map<String, StreamingQuery> started = new LinkedHashMap<>();
    Map<String, StreamingQuery> deadLetters = new LinkedHashMap<>();
    try {
      List<ViewPlan> plans = ViewPlanner.plan(spark, pipeline, readSources(spark, pipeline, settings));
      long now = System.currentTimeMillis();
      List<CatalogEntry> entries = new ArrayList<>();
      for (ViewPlan plan : plans) {
        entries.add(plan.catalogEntry(now));
      }
      checkRealTimeSlots(spark, settings, pipeline, plans);
      ViewCheckpoints checkpoints =
          new ViewCheckpoints(spark.sparkContext().hadoopConfiguration(), settings);
      for (String view : resetViews) {
        checkpoints.reset(view);
      }
      checkpoints.check(pipeline.views().keySet());
      RedisCatalog.register(settings.redisUri(), settings.keyspace(), entries);
      List<StreamEntry> streams = new ArrayList<>();
      for (SourceSpec source : pipeline.sources().values()) {
        streams.add(source.streamEntry(now));
      }
      RedisCatalog.registerStreams(settings.redisUri(), settings.keyspace(), streams);
      spark.streams().addListener(progressLog);
      spark.streams().addListener(windowCloser);
      for (SourceSpec source : pipeline.sources().values()) {
        deadLetters.put(source.name(), DeadLetterQueries.start(spark, settings, source));
      }
      for (ViewPlan plan : plans) {
        started.put(plan.name(), startQuery(spark, settings, plan, progressLog, windowCloser));
      }
    } catch (RuntimeException | TimeoutException e) {
      stopAll(started);
      stopAll(deadLetters);
      spark.streams().removeListener(progressLog);
      spark.streams().removeListener(windowCloser);
      spark.stop();
      if (metricsServer != null) {
        metricsServer.close();
      }
      throw e;
    }
    LOG.info("processor ready: {} views running ({}); dead letters of {} to {}", started.size(),
        String.join(", ", started.keySet()), String.join(", ", deadLetters.keySet()),
        String.join(", ", pipeline.sources().values().stream()
            .map(SourceSpec::deadLetterTopic).toList()));
    return new PipelineRunner(spark, started, deadLetters, progressLog, metricsServer);
  }

  /**
   * Checks the pipeline file as {@link #start} does, with Spark's parser and analyzer, but
   * touches neither Kafka nor Redis and starts no query. Leaves the SparkSession running (the
   * caller exits).
   *
   * @return the valid pipeline
   * @throws io.streamgate.processor.pipeline.PipelineException listing every problem
   */
  public static Pipeline validate(ProcessorSettings settings) {
    Pipeline pipeline = PipelineParser.parse(settings.pipelineFile());
    SparkSession spark = SparkSessions.create(settings);
    ViewPlanner.plan(spark, pipeline, readSources(spark, pipeline, settings));
    return pipeline;
  }

  /**
   * A real-time query holds one task slot per Kafka partition it reads for as long as it runs;
   * with fewer slots a partition silently waits. The micro-batch queries (every source's
   * dead-letter query at least) need a slot too. Refused on a local master; a warning elsewhere,
   * where executors may still be joining.
   */
  private static void checkRealTimeSlots(SparkSession spark, ProcessorSettings settings,
      Pipeline pipeline, List<ViewPlan> plans) {
    int needed = 0;
    List<String> realTime = new ArrayList<>();
    for (ViewPlan plan : plans) {
      if (plan.spec().realTime()) {
        realTime.add(plan.name());
        for (String source : plan.sources()) {
          needed += KafkaTopics.partitions(settings.kafkaBootstrap(), pipeline.sources().get(source));
        }
      }
    }
    if (realTime.isEmpty()) {
      return;
    }
    needed += 1;
    int slots = spark.sparkContext().defaultParallelism();
    String message = "real-time views " + String.join(", ", realTime) + " hold one task slot per"
        + " Kafka partition they read; with the other queries they need " + needed
        + " slots, but Spark has " + slots + " (" + settings.master() + ")";
    if (slots >= needed) {
      LOG.info("{}: enough", message);
    } else if (settings.master().startsWith("local")) {
      throw new PipelineException(List.of(settings.pipelineFile() + ": " + message
          + "; use --master local[" + needed + "] or a micro-batch trigger"));
    } else {
      LOG.warn("{}; a partition without a slot waits silently: give the executors more cores",
          message);
    }
  }

  private static Map<String, Dataset<Row>> readSources(
      SparkSession spark, Pipeline pipeline, ProcessorSettings settings) {
    Map<String, Dataset<Row>> parsed = new LinkedHashMap<>();
    for (SourceSpec source : pipeline.sources().values()) {
      Dataset<Row> raw = KafkaSources.read(spark, source, settings.kafkaBootstrap());
      parsed.put(source.name(), SourceParser.parse(source, raw));
    }
    return parsed;
  }

  private static StreamingQuery startQuery(SparkSession spark, ProcessorSettings settings,
      ViewPlan plan, ProgressLog progressLog, WindowCloser windowCloser) throws TimeoutException {
    boolean windowed = plan.spec().kind() == ViewKind.WINDOWED;
    // Windowed rows get their TTL when their window closes (WindowExpiry), not on every write.
    ServingRowReader reader = ServingRowReader.of(plan.serving().schema());
    RedisRowWriter writer = new RedisRowWriter(settings.redisUri(), settings.namespace(),
        plan.name(), windowed ? 0 : plan.spec().ttl().toMillis(), reader,
        plan.spec().kind() == ViewKind.LATEST, Clock.systemUTC());
    WindowExpiry expiry = null;
    if (windowed) {
      expiry = new WindowExpiry(settings.redisUri(), settings.keyspace(), plan.name(),
          plan.windowColumn(), plan.spec().ttl().toMillis());
      int open = expiry.recover();
      if (open > 0) {
        LOG.info("{}: {} rows of windows still open when the processor stopped expire once"
            + " they close", plan.name(), open);
      }
      windowCloser.add(expiry);
    }
    if (plan.spec().realTime()) {
      // Real-time mode: output mode update and a ForeachWriter (foreachBatch is refused).
      return plan.serving().writeStream()
          .queryName(plan.name())
          .outputMode(OutputMode.Update())
          .option("checkpointLocation", settings.checkpointOf(plan.name()))
          .trigger(Trigger.RealTime(plan.spec().trigger().toMillis()))
          .foreach(new RealTimeRowWriter(settings.redisUri(), settings.namespace(), plan.name(),
              plan.spec().ttl().toMillis(), reader, Clock.systemUTC()))
          .start();
    }
    return plan.serving().writeStream()
        .queryName(plan.name())
        .outputMode(plan.outputMode())
        .option("checkpointLocation", settings.checkpointOf(plan.name()))
        .trigger(Trigger.ProcessingTime(plan.spec().trigger().toMillis()))
        .foreachBatch(new BatchWriter(spark, plan.name(), writer, progressLog, expiry))
        .start();
  }

  /** The port metrics are served on, or -1 if they are not. */
  public int metricsPort() {
    return metricsServer == null ? -1 : metricsServer.port();
  }

  public SparkSession spark() {
    return spark;
  }

  /** The running queries by view name, in pipeline order. */
  public Map<String, StreamingQuery> queries() {
    return queries;
  }

  /** The running dead-letter queries by source name. */
  public Map<String, StreamingQuery> deadLetterQueries() {
    return deadLetterQueries;
  }

  /**
   * Blocks until a query ends: by {@link #stop()} (returns normally) or by failing (throws).
   */
  public void awaitAnyTermination() throws StreamingQueryException {
    spark.streams().awaitAnyTermination();
    for (StreamingQuery q : queries.values()) {
      if (q.exception().isDefined()) {
        throw q.exception().get();
      }
    }
    for (StreamingQuery q : deadLetterQueries.values()) {
      if (q.exception().isDefined()) {
        throw q.exception().get();
      }
    }
  }

  /**
   * Stops every query (each finishes or abandons its current batch; its checkpoint stays valid:
   * an unfinished batch is replayed with the same id on restart) and then Spark.
   */
  public synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    LOG.info("stopping {} views and {} dead-letter queries", queries.size(),
        deadLetterQueries.size());
    stopAll(queries);
    stopAll(deadLetterQueries);
    spark.streams().removeListener(progressLog);
    spark.stop();
    if (metricsServer != null) {
      metricsServer.close();
    }
    LOG.info("processor stopped");
  }

  private static boolean isRealTime(StreamingQuery query) {
    try {
      Object trigger = ((org.apache.spark.sql.execution.streaming.runtime.StreamingQueryWrapper)
          query).streamingQuery().trigger();
      return trigger.getClass().getSimpleName().startsWith("RealTime");
    } catch (ClassCastException | LinkageError e) {
      return false;
    }
  }

  @Override
  public void close() {
    stop();
  }

  private static void stopAll(Map<String, StreamingQuery> queries) {
    for (Map.Entry<String, StreamingQuery> e : queries.entrySet()) {
      try {
        stopBetweenBatches(e.getValue());
      } catch (TimeoutException | RuntimeException ex) {
        LOG.warn("view {} did not stop cleanly: {}", e.getKey(), ex.toString());
      }
    }
  }

  /**
   * Stopping interrupts the query's thread: between triggers that is a clean stop; during a batch
   * it abandons the batch (it is replayed with the same id on restart, so the checkpoint stays
   * valid either way) and Spark logs the cancelled tasks. So wait, within {@link #STOP_GRACE},
   * for a moment when no trigger runs.
   */
  private static void stopBetweenBatches(StreamingQuery query) throws TimeoutException {
    if (isRealTime(query)) {
      // A real-time batch runs for its whole interval: stop now; the unfinished batch is
      // replayed on restart with the same versions, so its writes are ignored.
      query.stop();
      return;
    }
    long deadline = System.nanoTime() + STOP_GRACE.toNanos();
    while (query.isActive() && query.status().isTriggerActive() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
    query.stop();
  }
}
