package io.streamgate.processor.runner;

import io.streamgate.processor.pipeline.SourceSpec;
import io.streamgate.processor.view.ViewPlan;
import java.util.Collection;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * Spark's task slots as the views use them. A real-time query holds one slot per Kafka partition
 * it reads for as long as it runs (a partition without a slot waits silently); the micro-batch
 * queries, every source's dead-letter query at least, share what is left and need one. The rule
 * is written here once: the runner checks it at startup, the view manager before it starts a
 * real-time version and when it sizes a backfill.
 */
final class TaskSlots {
  /** Slots the micro-batch queries need at least. */
  static final int MICRO_BATCH_SLOTS = 1;

  private final Map<String, SourceSpec> sources;
  private final ToIntFunction<SourceSpec> partitions;

  /** Over the live map of published sources, asking Kafka for their partitions. */
  TaskSlots(Map<String, SourceSpec> sources, String kafkaBootstrap) {
    this(sources, source -> KafkaTopics.partitions(kafkaBootstrap, source));
  }

  TaskSlots(Map<String, SourceSpec> sources, ToIntFunction<SourceSpec> partitions) {
    this.sources = sources;
    this.partitions = partitions;
  }

  /** Slots {@code plan} holds while it runs: its sources' partitions if real-time, else none. */
  int held(ViewPlan plan) {
    if (!plan.spec().realTime()) {
      return 0;
    }
    int slots = 0;
    for (String source : plan.sources()) {
      SourceSpec spec = sources.get(source);
      if (spec != null) { // a lookup table is read by the driver, not by a Kafka task
        slots += partitions.applyAsInt(spec);
      }
    }
    return slots;
  }

  int held(Collection<ViewPlan> plans) {
    int slots = 0;
    for (ViewPlan plan : plans) {
      slots += held(plan);
    }
    return slots;
  }

  /**
   * Why {@code plan} cannot start beside {@code running} with {@code total} slots, or null when
   * it can: the real-time queries' partitions plus one slot for the micro-batch queries.
   */
  String shortage(ViewPlan plan, Collection<ViewPlan> running, int total) {
    int wanted = held(plan);
    if (wanted == 0) {
      return null;
    }
    int needed = wanted + held(running) + MICRO_BATCH_SLOTS;
    return needed <= total ? null
        : "real-time view " + plan.name() + " holds " + wanted + " task slot(s) (one per Kafka"
            + " partition it reads); with the running real-time views and the micro-batch queries"
            + " it needs " + needed + " slots, but Spark has " + total
            + ": give Spark more slots (--master local[" + needed + "] or more executor cores)"
            + " or use a micro-batch trigger";
  }
}
