package io.streamgate.cli.demo;

import io.streamgate.harness.SparkCluster;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The processor as a Spark standalone application: the jar and command docs/operations.md gives
 * for real clusters ({@code spark-submit --deploy-mode cluster --supervise … ProcessorMain}),
 * sized for this machine. The master restarts the driver whenever it dies; checkpoints are in one
 * directory every driver and executor reaches. Stateless.
 */
public final class ProcessorSubmission {
  static final String APP_NAME = "streamgate-processor";
  /**
   * Two executors of four cores: eight task slots, what the three real-time views (one per
   * partition of orders each: 6) and the micro-batch queries (dead letters) need. Workers offer
   * more cores than the machine has (ClusterDemo.WORKER_CORES: standalone cores are scheduling
   * units, not pinned CPUs), so when one worker is lost the other takes the lost executor and the
   * driver too.
   */
  private static final Map<String, String> SIZING = Map.of(
      "spark.driver.memory", "640m",
      "spark.driver.cores", "1",
      "spark.executor.memory", "512m",
      "spark.executor.cores", "4",
      "spark.cores.max", "8");

  private ProcessorSubmission() {}

  /**
   * What to submit.
   *
   * @param root the repo root (the processor's jar is under {@code stream-processor/target})
   * @param pipeline the pipeline file
   * @param kafka bootstrap servers, every broker
   * @param redisSeeds Redis Cluster seed URLs, comma-separated
   * @param checkpoints the shared checkpoint directory
   * @param namespace Redis key prefix
   * @param metricsPort the driver's Prometheus port, -1 for none
   * @param submitLog spark-submit's own log
   */
  public record App(Path root, Path pipeline, String kafka, String redisSeeds, Path checkpoints, String namespace,
      int metricsPort, Path submitLog) {}

  /** The submission for {@code app} on {@code spark}. */
  public static SparkCluster.Submission of(App app, SparkCluster spark) throws IOException {
    Map<String, String> conf = new LinkedHashMap<>(SIZING);
    // A worker starts the driver with plain java: Spark's --add-opens flags must be asked for.
    conf.put("spark.driver.extraJavaOptions", String.join(" ", spark.moduleOptions()) + " -XX:+UseG1GC");
    List<String> args = new ArrayList<>(List.of(
        "--pipeline", app.pipeline().toAbsolutePath().toString(),
        "--kafka", app.kafka(),
        "--redis", app.redisSeeds(),
        "--redis-mode", "cluster",
        "--checkpoints", app.checkpoints().toAbsolutePath().toString(),
        "--namespace", app.namespace()));
    if (app.metricsPort() >= 0) {
      args.addAll(List.of("--metrics-port", Integer.toString(app.metricsPort())));
    }
    return new SparkCluster.Submission(APP_NAME, DemoServices.PROCESSOR_MAIN, appJar(app.root()), conf, args,
        app.submitLog());
  }

  /** {@code stream-processor/target/streamgate-stream-processor-<version>.jar}. */
  static Path appJar(Path root) throws IOException {
    Path target = root.resolve("stream-processor/target");
    if (Files.isDirectory(target)) {
      try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, "streamgate-stream-processor-*.jar")) {
        for (Path jar : jars) {
          if (!jar.getFileName().toString().endsWith("-sources.jar")) {
            return jar;
          }
        }
      }
    }
    throw new IOException("no processor jar in " + target + ": build it first (mvn -B -DskipTests package)");
  }
}
