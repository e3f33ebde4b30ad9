package io.streamgate.processor.runner;

import io.streamgate.contract.Names;
import io.streamgate.processor.control.ControlLoop;
import io.streamgate.processor.control.DefinitionStore;
import io.streamgate.processor.control.ViewDefinition;
import io.streamgate.processor.lookup.LookupTables;
import io.streamgate.processor.metrics.MetricsServer;
import io.streamgate.processor.metrics.ProcessorMetrics;
import io.streamgate.processor.pipeline.Pipeline;
import io.streamgate.processor.pipeline.PipelineException;
import io.streamgate.processor.pipeline.PipelineParser;
import io.streamgate.processor.pipeline.SourceSpec;
import io.streamgate.processor.pipeline.TableSpec;
import io.streamgate.processor.sink.RedisCatalog;
import io.streamgate.processor.sink.RedisUnavailableException;
import io.streamgate.processor.view.SourceParser;
import io.streamgate.processor.view.ViewPlan;
import io.streamgate.processor.view.ViewPlanner;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the processor: reads the pipeline file, checks Redis and Kafka, starts Spark and the
 * metrics endpoint, then hands the views to the {@link ViewManager}, which resumes the views
 * published in Redis, applies the file over them and runs one streaming query per view version
 * (each with its own checkpoint, so its batch ids, and so its row versions, are its own); and
 * starts the {@link ControlLoop} that carries out admin requests (views published, altered,
 * dropped and previewed while it runs). One failing view never stops the others: it is marked
 * failed and the rest run on. The thin I/O shell around the pure parts ({@link SourceParser},
 * {@link ViewPlanner}, {@code DeadLetters}).
 *
 * <p>Start and stop from one thread (main, or a shutdown hook); {@link #stop()} is idempotent and
 * may race with {@link #awaitTermination()} on another thread.
 */
public final class PipelineRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineRunner.class);
  /** All interfaces: Prometheus scrapes from elsewhere on a cluster. */
  static final String METRICS_HOST = "0.0.0.0";

  private final SparkSession spark;
  private final LookupTables lookups;
  private final ViewManager views;
  private final ControlLoop control;
  private final ProgressLog progressLog;
  private final WindowCloser windowCloser;
  private final MetricsServer metricsServer;
  private final CountDownLatch stopped = new CountDownLatch(1);

  private PipelineRunner(SparkSession spark, LookupTables lookups, ViewManager views,
      ControlLoop control, ProgressLog progressLog, WindowCloser windowCloser,
      MetricsServer metricsServer) {
    this.spark = spark;
    this.lookups = lookups;
    this.views = views;
    this.control = control;
    this.progressLog = progressLog;
    this.windowCloser = windowCloser;
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
    String text = PipelineParser.read(settings.pipelineFile());
    Pipeline pipeline = PipelineParser.parse(settings.pipelineFile().toString(), text);

    LOG.info("pipeline {}: sources {}; views {}", settings.pipelineFile(),
        String.join(", ", pipeline.sourceNames()), String.join(", ", pipeline.views().keySet()));
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
    spark.streams().addListener(progressLog);
    spark.streams().addListener(windowCloser);
    LookupTables lookups = new LookupTables(metrics, Clock.systemUTC());
    ViewManager views = null;
    try {
      checkRealTimeSlots(spark, settings, pipeline, ViewPlanner.plan(spark, pipeline,
          readSources(spark, pipeline, settings)));
      ViewCheckpoints checkpoints =
          new ViewCheckpoints(spark.sparkContext().hadoopConfiguration(), settings);
      Map<String, ViewDefinition> published =
          new DefinitionStore(settings.redisUri(), settings.keyspace()).views();
      for (String view : resetViews) {
        if (!pipeline.views().containsKey(view) && !published.containsKey(view)) {
          throw new PipelineException(List.of("--reset-view " + view + ": neither "
              + settings.pipelineFile() + " nor the published views have it (file views: "
              + String.join(", ", pipeline.views().keySet()) + "; published: "
              + String.join(", ", published.keySet()) + ")"));
        }
      }
      for (String view : resetViews) {
        checkpoints.reset(view);
        ViewDefinition def = published.get(view);
        for (ViewDefinition.Version v : def == null ? List.<ViewDefinition.Version>of()
            : def.versions()) {
          if (v.version() > 1) {
            checkpoints.reset(Names.table(view, v.version()));
          }
        }
      }
      views = ViewManager.start(spark, settings, pipeline, PipelineParser.document(text),
          lookups, progressLog, windowCloser, Clock.systemUTC());
      ControlLoop control = ControlLoop.start(settings.redisUri(), settings.keyspace(),
          views::handle, Clock.systemUTC());
      LOG.info("processor ready: {} view queries running ({}); dead letters of {}; admin"
          + " requests from {}", views.queries().size(), String.join(", ",
          views.queries().keySet()), String.join(", ", views.deadLetterQueries().keySet()),
          settings.keyspace().control());
      return new PipelineRunner(spark, lookups, views, control, progressLog, windowCloser,
          metricsServer);
    } catch (RuntimeException e) {
      if (views != null) {
        views.close();
      }
      lookups.close();
      spark.streams().removeListener(progressLog);
      spark.streams().removeListener(windowCloser);
      spark.stop();
      if (metricsServer != null) {
        metricsServer.close();
      }
      throw e;
    }
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
   * Whether Spark has the task slots the pipeline's real-time views hold ({@link TaskSlots}).
   * Refused on a local master; a warning elsewhere, where executors may still be joining.
   */
  private static void checkRealTimeSlots(SparkSession spark, ProcessorSettings settings,
      Pipeline pipeline, List<ViewPlan> plans) {
    TaskSlots slots = new TaskSlots(pipeline.sources(), settings.kafkaBootstrap());
    int held = slots.held(plans);
    if (held == 0) {
      return;
    }
    int total = spark.sparkContext().defaultParallelism();
    int needed = held + TaskSlots.MICRO_BATCH_SLOTS;
    String message = "real-time views " + plans.stream().filter(p -> p.spec().realTime())
        .map(ViewPlan::name).collect(java.util.stream.Collectors.joining(", "))
        + " hold one task slot per Kafka partition they read; with the other queries they need "
        + needed + " slots, but Spark has " + total + " (" + settings.master() + ")";
    if (total >= needed) {
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
    // Their shape only: checking SQL needs no database.
    for (TableSpec table : pipeline.tables().values()) {
      parsed.put(table.name(), LookupTables.shape(spark, table));
    }
    return parsed;
  }

  /** The port metrics are served on, or -1 if they are not. */
  public int metricsPort() {
    return metricsServer == null ? -1 : metricsServer.port();
  }

  public SparkSession spark() {
    return spark;
  }

  /** The running view queries by table (a view's name for its version 1). */
  public Map<String, StreamingQuery> queries() {
    return views.queries();
  }

  /** The running dead-letter queries by source name. */
  public Map<String, StreamingQuery> deadLetterQueries() {
    return views.deadLetterQueries();
  }

  /**
   * Blocks until {@link #stop()}. A failing view does not end it: the view is marked failed
   * (log, status) and the others run on.
   */
  public void awaitTermination() throws InterruptedException {
    stopped.await();
  }

  /**
   * Stops admin requests, then every query (each finishes or abandons its current batch; its
   * checkpoint stays valid: an unfinished batch is replayed with the same id on restart), then
   * Spark.
   */
  public synchronized void stop() {
    if (stopped.getCount() == 0) {
      return;
    }
    LOG.info("stopping {} view queries and {} dead-letter queries", views.queries().size(),
        views.deadLetterQueries().size());
    control.close();
    views.close();
    lookups.close();
    spark.streams().removeListener(progressLog);
    spark.streams().removeListener(windowCloser);
    spark.stop();
    if (metricsServer != null) {
      metricsServer.close();
    }
    stopped.countDown();
    LOG.info("processor stopped");
  }

  @Override
  public void close() {
    stop();
  }
}
