package io.streamgate.processor;

import io.streamgate.processor.runner.ProcessorSettings;
import io.streamgate.processor.runner.SparkSessions;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession of a test JVM ({@code local[2]}, the processor's own settings), created on
 * first use and left to Spark's shutdown hook. Test classes share it; streaming tests stop their
 * own queries.
 */
public final class SparkTestSession {
  private static SparkSession spark;

  private SparkTestSession() {}

  public static synchronized SparkSession get() {
    if (spark == null) {
      ProcessorSettings settings = new ProcessorSettings(Path.of("unused.yaml"),
          ProcessorSettings.DEFAULT_KAFKA, ProcessorSettings.DEFAULT_REDIS, "sg", "unused",
          "local[2]", Map.of());
      spark = SparkSessions.create(settings);
    }
    return spark;
  }
}
