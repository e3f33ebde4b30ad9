package io.streamgate.loadtest.bench.chaos;

import java.util.Optional;

/**
 * The faults a chaos run injects, one at a time, each a SIGKILL of one process of
 * {@code demo --cluster}. The demo restarts the process after a few seconds (the Spark master
 * restarts the driver itself; for a Redis primary its replica takes over first).
 */
public enum Fault {
  KAFKA_BROKER("kafka-2", "a Kafka broker (2 of 3 replicas stay in sync)"),
  SPARK_WORKER("spark-worker-2", "a Spark worker with its executors (and the driver if it ran there)"),
  SPARK_DRIVER("spark-driver", "the Spark driver (the master starts it again from its checkpoints)"),
  REDIS_PRIMARY(null, "a Redis primary (its replica takes over its slots)"),
  GATEWAY("gateway-2", "a gateway (clients of it reconnect or use another)");

  private final String process;
  private final String description;

  Fault(String process, String description) {
    this.process = process;
    this.description = description;
  }

  public String description() {
    return description;
  }

  /** The pid-file name of the process to kill now. */
  public Optional<String> target(DemoProcesses processes) {
    return process != null ? Optional.of(process) : processes.redisPrimary();
  }

  /** The pid-file name that shows the process is back (for a primary: any live node will do). */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
