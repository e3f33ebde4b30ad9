package io.streamgate.processor;

import io.streamgate.processor.pipeline.Intervals;
import io.streamgate.processor.pipeline.Pipeline;
import io.streamgate.processor.pipeline.PipelineException;
import io.streamgate.processor.runner.CheckpointMismatchException;
import io.streamgate.processor.runner.KafkaUnavailableException;
import io.streamgate.processor.runner.PipelineRunner;
import io.streamgate.processor.runner.ProcessorSettings;
import io.streamgate.processor.sink.RedisConnections;
import io.streamgate.processor.sink.RedisUnavailableException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.util.ShutdownHookManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The stream processor's command line: runs the views of a pipeline file, and those published at
 * runtime, until SIGTERM/SIGINT, then stops them gracefully. A view that fails is marked failed
 * and the others run on. Flags override environment variables, which override defaults.
 *
 * <p>Exit codes: 1 an unexpected error; 2 bad command line (picocli's usage code),
 * pipeline file, or a view whose checkpoint does not match its rows in Redis; 3 Redis
 * unreachable; 4 Kafka unreachable. On SIGTERM/SIGINT the views stop in a shutdown hook and the
 * JVM ends with the signal's usual status (143/130).
 */
@Command(
    name = "streamgate-processor",
    mixinStandardHelpOptions = true,
    version = "streamgate-processor 0.1.0",
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = "Runs the views of a pipeline file (Spark Structured Streaming over Kafka) and"
        + " serves them through Redis.")
public final class ProcessorMain implements Callable<Integer> {
  static final int EXIT_UNEXPECTED = 1;
  static final int EXIT_BAD_CONFIG = 2;
  static final int EXIT_REDIS_UNAVAILABLE = 3;
  static final int EXIT_KAFKA_UNAVAILABLE = 4;
  /** Before Spark's own shutdown hook (priority 40), so queries stop while Spark still runs. */
  private static final int SHUTDOWN_PRIORITY = 60;
  private static final long SHUTDOWN_TIMEOUT_SECONDS = 60;

  private static final Logger LOG = LoggerFactory.getLogger(ProcessorMain.class);

  @Option(names = "--pipeline", paramLabel = "FILE", defaultValue = "${env:STREAMGATE_PIPELINE}",
      description = "Pipeline YAML: sources and views (env STREAMGATE_PIPELINE; required).")
  Path pipeline;

  @Option(names = "--kafka", paramLabel = "HOST:PORT",
      defaultValue = "${env:STREAMGATE_KAFKA_BOOTSTRAP:-" + ProcessorSettings.DEFAULT_KAFKA + "}",
      description = "Kafka bootstrap servers (env STREAMGATE_KAFKA_BOOTSTRAP; default: ${DEFAULT-VALUE}).")
  String kafka;

  @Option(names = "--redis", paramLabel = "URL",
      defaultValue = "${env:STREAMGATE_REDIS_URL:-" + ProcessorSettings.DEFAULT_REDIS + "}",
      description = "Redis URL; with --redis-mode cluster, seed URLs separated by commas"
          + " (env STREAMGATE_REDIS_URL; default: ${DEFAULT-VALUE}).")
  String redis;

  @Option(names = "--redis-mode", paramLabel = "MODE",
      defaultValue = "${env:STREAMGATE_REDIS_MODE:-standalone}",
      description = "standalone or cluster (Redis Cluster: commands go to the node owning each key;"
          + " env STREAMGATE_REDIS_MODE; default: ${DEFAULT-VALUE}).")
  String redisMode;

  @Option(names = "--namespace", paramLabel = "PREFIX",
      defaultValue = "${env:STREAMGATE_NAMESPACE:-" + ProcessorSettings.DEFAULT_NAMESPACE + "}",
      description = "Prefix of every Redis key (env STREAMGATE_NAMESPACE; default: ${DEFAULT-VALUE}).")
  String namespace;

  @Option(names = "--checkpoints", paramLabel = "DIR",
      defaultValue = "${env:STREAMGATE_CHECKPOINTS:-" + ProcessorSettings.DEFAULT_CHECKPOINTS + "}",
      description = "Checkpoint directory, one subdirectory per view; any Hadoop URI"
          + " (env STREAMGATE_CHECKPOINTS; default: ${DEFAULT-VALUE}).")
  String checkpoints;

  @Option(names = "--master", paramLabel = "MASTER",
      // Under spark-submit (or the Spark operator) spark.master is a system property already:
      // it wins over the local default, so the job is not silently run inside the driver.
      defaultValue = "${sys:spark.master:-${env:STREAMGATE_SPARK_MASTER:-"
          + ProcessorSettings.DEFAULT_MASTER + "}}",
      description = "Spark master (default: the spark.master spark-submit set, else env"
          + " STREAMGATE_SPARK_MASTER, else " + ProcessorSettings.DEFAULT_MASTER + ").")
  String master;

  @Option(names = "--conf", paramLabel = "KEY=VALUE",
      description = "Extra Spark setting, repeatable; overrides the processor's own"
          + " (e.g. spark.sql.shuffle.partitions=4).")
  Map<String, String> sparkConf = Map.of();

  @Option(names = "--metrics-port", paramLabel = "PORT",
      defaultValue = "${env:STREAMGATE_PROCESSOR_METRICS_PORT:--1}",
      description = "Serve Prometheus metrics on http://0.0.0.0:PORT/metrics (0: any free port;"
          + " env STREAMGATE_PROCESSOR_METRICS_PORT; default: none).")
  int metricsPort;

  @Option(names = "--retire-grace", paramLabel = "DURATION",
      defaultValue = "${env:STREAMGATE_RETIRE_GRACE:-5 minutes}",
      description = "How long a replaced or dropped view version stays readable before its rows"
          + " are deleted, e.g. 30 seconds (env STREAMGATE_RETIRE_GRACE; default: ${DEFAULT-VALUE}).")
  String retireGrace;

  @Option(names = "--switch-lag", paramLabel = "RECORDS",
      defaultValue = "${env:STREAMGATE_SWITCH_LAG:-" + ProcessorSettings.DEFAULT_SWITCH_LAG + "}",
      description = "A new view version takes over its view once at most this many records"
          + " behind its sources (env STREAMGATE_SWITCH_LAG; default: ${DEFAULT-VALUE}).")
  long switchLag;

  @Option(names = "--reset-view", paramLabel = "VIEW",
      description = "Before starting, delete this view's rows, indexes and versions from Redis and"
          + " its checkpoint, so it is computed again from its sources' retained events;"
          + " repeatable. Needed after its checkpoint was lost.")
  List<String> resetViews = List.of();

  @Option(names = "--validate",
      description = "Only check the pipeline file (Spark's parser and analyzer; no Kafka or Redis"
          + " needed), print a summary and exit: 0 valid, 2 not.")
  boolean validateOnly;

  @Spec CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new ProcessorMain());
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      line.getErr().println("streamgate-processor: " + e);
      return EXIT_UNEXPECTED;
    });
    return cli;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    ProcessorSettings settings;
    try {
      String redisTarget = switch (redisMode.trim()) {
        case "standalone" -> redis;
        case "cluster" -> RedisConnections.clusterTarget(
            Arrays.stream(redis.split(",")).map(String::trim).toList());
        default -> throw new IllegalArgumentException(
            "--redis-mode must be standalone or cluster, but was '" + redisMode + "'");
      };
      Duration grace;
      try {
        grace = Intervals.parse(retireGrace);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--retire-grace " + e.getMessage());
      }
      settings = new ProcessorSettings(pipeline, kafka, redisTarget, namespace, checkpoints,
          master, sparkConf, metricsPort, grace, switchLag);
    } catch (IllegalArgumentException e) {
      err.println("streamgate-processor: " + e.getMessage());
      return EXIT_BAD_CONFIG;
    }
    if (validateOnly) {
      try {
        Pipeline valid = PipelineRunner.validate(settings);
        spec.commandLine().getOut().println(settings.pipelineFile() + ": valid: sources "
            + String.join(", ", valid.sources().keySet()) + "; views "
            + String.join(", ", valid.views().keySet()));
        return 0;
      } catch (PipelineException e) {
        e.problems().forEach(err::println);
        return EXIT_BAD_CONFIG;
      }
    }
    PipelineRunner runner;
    try {
      runner = PipelineRunner.start(settings, new LinkedHashSet<>(resetViews));
    } catch (PipelineException e) {
      e.problems().forEach(err::println);
      return EXIT_BAD_CONFIG;
    } catch (CheckpointMismatchException e) {
      e.problems().forEach(err::println);
      return EXIT_BAD_CONFIG;
    } catch (RedisUnavailableException e) {
      err.println("streamgate-processor: " + e.getMessage()
          + " (is redis-server running? set --redis or STREAMGATE_REDIS_URL)");
      return EXIT_REDIS_UNAVAILABLE;
    } catch (KafkaUnavailableException e) {
      err.println("streamgate-processor: " + e.getMessage()
          + " (is the broker running? set --kafka or STREAMGATE_KAFKA_BOOTSTRAP)");
      return EXIT_KAFKA_UNAVAILABLE;
    } catch (java.io.UncheckedIOException e) {
      err.println("streamgate-processor: " + e.getMessage() + " (choose another --metrics-port)");
      return EXIT_BAD_CONFIG;
    }
    ShutdownHookManager.get().addShutdownHook(() -> {
      LOG.info("shutdown requested");
      runner.stop();
    }, SHUTDOWN_PRIORITY, SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    try {
      runner.awaitTermination();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      runner.stop();
    }
    return 0;
  }
}
