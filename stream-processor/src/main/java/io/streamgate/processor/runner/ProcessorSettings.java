package io.streamgate.processor.runner;

import io.streamgate.contract.Keyspace;
import io.streamgate.processor.sink.RedisConnections;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Where the processor reads, writes and keeps its state. Immutable; validated on construction
 * with messages that quote the bad value.
 *
 * @param pipelineFile   the pipeline YAML
 * @param kafkaBootstrap Kafka bootstrap servers, {@code host:port[,host:port…]}
 * @param redisUri       {@code redis://[user:password@]host:port[/db]} (or {@code rediss://})
 * @param namespace      key prefix of everything written to Redis ({@link Keyspace})
 * @param checkpoints    directory (any Hadoop URI) holding one checkpoint subdirectory per view
 * @param master         Spark master URL
 * @param sparkConf      extra Spark settings, applied last (override the processor's defaults)
 * @param metricsPort    port of the HTTP metrics endpoint, 0 for any free port, -1 for none
 * @param retireGrace    how long a replaced or dropped view version stays readable before its
 *                       rows are deleted
 * @param switchLag      a new view version takes over its view's name once it is at most this
 *                       many records behind its sources
 */
public record ProcessorSettings(
    Path pipelineFile,
    String kafkaBootstrap,
    String redisUri,
    String namespace,
    String checkpoints,
    String master,
    Map<String, String> sparkConf,
    int metricsPort,
    Duration retireGrace,
    long switchLag) {

  public static final String DEFAULT_KAFKA = "127.0.0.1:9092";
  public static final String DEFAULT_REDIS = "redis://127.0.0.1:6379";
  public static final String DEFAULT_NAMESPACE = Keyspace.DEFAULT_PREFIX;
  public static final String DEFAULT_CHECKPOINTS = "./.streamgate/checkpoints";
  /**
   * Task slots, not cores: a real-time view holds one slot per Kafka partition it reads, mostly
   * waiting for records, and the micro-batch queries need slots beside it (PipelineRunner checks).
   * Four fit the demo's real-time {@code order_status} over 2 partitions plus the micro-batches.
   */
  public static final String DEFAULT_MASTER = "local[4]";
  /** Clients reading a replaced version explicitly (or still pushed it) get this long to move. */
  public static final Duration DEFAULT_RETIRE_GRACE = Duration.ofMinutes(5);
  /** A few batches' worth at the demo's rate: the switch waits for the backfill, not for idle. */
  public static final long DEFAULT_SWITCH_LAG = 1000;

  public ProcessorSettings {
    if (pipelineFile == null) {
      throw new IllegalArgumentException("a pipeline file is required (--pipeline or STREAMGATE_PIPELINE)");
    }
    if (kafkaBootstrap == null || !kafkaBootstrap.matches("[^,:\\s]+:\\d{1,5}(,[^,:\\s]+:\\d{1,5})*")) {
      throw new IllegalArgumentException(
          "Kafka bootstrap must be host:port[,host:port...], but was '" + kafkaBootstrap + "'");
    }
    checkRedisUri(redisUri);
    new Keyspace(namespace);
    if (checkpoints == null || checkpoints.isBlank()) {
      throw new IllegalArgumentException("checkpoint directory must not be empty");
    }
    if (master == null || master.isBlank()) {
      throw new IllegalArgumentException("Spark master must not be empty");
    }
    sparkConf = Map.copyOf(sparkConf == null ? Map.of() : sparkConf);
    if (metricsPort < -1 || metricsPort > 65535) {
      throw new IllegalArgumentException(
          "metrics port must be 0-65535 (or -1 for none), but was " + metricsPort);
    }
    if (retireGrace == null || retireGrace.isNegative()) {
      throw new IllegalArgumentException("retire grace must be >= 0, but was " + retireGrace);
    }
    if (switchLag < 0) {
      throw new IllegalArgumentException("switch lag must be >= 0 records, but was " + switchLag);
    }
  }

  /** Settings with the default retire grace and switch lag. */
  public ProcessorSettings(Path pipelineFile, String kafkaBootstrap, String redisUri,
      String namespace, String checkpoints, String master, Map<String, String> sparkConf,
      int metricsPort) {
    this(pipelineFile, kafkaBootstrap, redisUri, namespace, checkpoints, master, sparkConf,
        metricsPort, DEFAULT_RETIRE_GRACE, DEFAULT_SWITCH_LAG);
  }

  public ProcessorSettings withRetireGrace(Duration grace) {
    return new ProcessorSettings(pipelineFile, kafkaBootstrap, redisUri, namespace, checkpoints,
        master, sparkConf, metricsPort, grace, switchLag);
  }

  /** Settings without a metrics endpoint. */
  public ProcessorSettings(Path pipelineFile, String kafkaBootstrap, String redisUri,
      String namespace, String checkpoints, String master, Map<String, String> sparkConf) {
    this(pipelineFile, kafkaBootstrap, redisUri, namespace, checkpoints, master, sparkConf, -1);
  }

  /** The checkpoint directory of one view. */
  public String checkpointOf(String view) {
    return checkpoints.endsWith("/") ? checkpoints + view : checkpoints + "/" + view;
  }

  public Keyspace keyspace() {
    return new Keyspace(namespace);
  }

  private static void checkRedisUri(String target) {
    if (target == null) {
      throw new IllegalArgumentException("Redis URL must look like redis://host:port, but was empty");
    }
    if (!RedisConnections.isCluster(target) && target.contains(",")) {
      throw new IllegalArgumentException(
          "Redis URL lists several servers ('" + target + "'); that needs --redis-mode cluster");
    }
    for (String url : RedisConnections.urls(target)) {
      checkRedisUrl(url);
    }
  }

  private static void checkRedisUrl(String redisUri) {
    URI uri;
    try {
      uri = URI.create(redisUri);
    } catch (RuntimeException e) {
      uri = null;
    }
    if (uri == null || uri.getHost() == null || uri.getPort() < 0
        || !("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme()))) {
      throw new IllegalArgumentException(
          "Redis URL must look like redis://host:port, but was '" + redisUri + "'");
    }
  }
}
