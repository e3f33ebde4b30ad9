package io.streamgate.processor.runner;

import io.streamgate.processor.checkpoint.NioCheckpointFileManager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** Builds the processor's SparkSession. Call from the main thread. */
public final class SparkSessions {
  /** Spark's default of 200 makes every stateful batch cost seconds on a small machine. */
  static final String SHUFFLE_PARTITIONS = "2";
  /**
   * How long a view waits before asking Kafka again when a trigger found no new data (Spark's
   * default: 10 ms). Every ask is a round trip to the broker per view; with three views idle
   * that kept a core of this 2-core machine busy (processor 71% and broker 58% of a core at
   * 10 ms, 40% and 28% at 50 ms) with no measurable change in produce→Redis latency. It matters
   * for views with {@code trigger: 0} (back to back); the default trigger waits its interval.
   */
  static final String POLLING_DELAY = "50ms";

  private SparkSessions() {}

  /** The settings the processor starts Spark with, before {@code --conf} overrides. */
  public static Map<String, String> defaults(ProcessorSettings settings) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.app.name", "streamgate-processor");
    conf.put("spark.master", settings.master());
    conf.put("spark.ui.enabled", "false");
    conf.put("spark.sql.shuffle.partitions", SHUFFLE_PARTITIONS);
    conf.put("spark.sql.streaming.pollingDelay", POLLING_DELAY);
    // Views use temp views only; without this Spark creates ./spark-warehouse wherever it runs.
    conf.put("spark.sql.warehouse.dir",
        java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "streamgate-spark-warehouse")
            .toUri().toString());
    // Streaming queries cannot use adaptive execution; leaving it on only adds a warning per view.
    conf.put("spark.sql.adaptive.enabled", "false");
    // Values carry ISO-8601 timestamps; UTC makes them the same whatever the machine's zone.
    conf.put("spark.sql.session.timeZone", "UTC");
    conf.put("spark.sql.streaming.checkpointFileManagerClass",
        NioCheckpointFileManager.class.getName());
    // A backfilling view version runs in a pool of its own (ViewManager): with fair scheduling it
    // gets its share of the task slots, not all of them while the live views wait.
    conf.put("spark.scheduler.mode", "FAIR");
    if (settings.master().startsWith("local")) {
      // Loopback only: no firewall prompts, no dependence on the machine's hostname resolving.
      conf.put("spark.driver.host", "127.0.0.1");
      conf.put("spark.driver.bindAddress", "127.0.0.1");
    }
    return conf;
  }

  public static SparkSession create(ProcessorSettings settings) {
    Map<String, String> conf = defaults(settings);
    conf.putAll(settings.sparkConf());
    SparkSession.Builder builder = SparkSession.builder();
    conf.forEach(builder::config);
    return builder.getOrCreate();
  }
}
