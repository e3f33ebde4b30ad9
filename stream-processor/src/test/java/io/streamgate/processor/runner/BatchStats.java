package io.streamgate.processor.runner;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;

/** Prints what the micro-batches of each query cost, from Spark's progress reports. */
final class BatchStats {
  private BatchStats() {}

  static void report(String title, Map<String, StreamingQuery> queries) {
    System.out.println(title + ": batches with data, per view (median / max ms)");
    for (Map.Entry<String, StreamingQuery> e : queries.entrySet()) {
      List<Long> total = new ArrayList<>();
      List<Long> write = new ArrayList<>();
      List<Long> commits = new ArrayList<>();
      for (StreamingQueryProgress p : e.getValue().recentProgress()) {
        if (p.numInputRows() == 0) {
          continue;
        }
        total.add(p.batchDuration());
        write.add(p.durationMs().getOrDefault("addBatch", 0L));
        // Offsets log before the batch, commit log after it: the checkpoint writes of a batch.
        commits.add(p.durationMs().getOrDefault("walCommit", 0L)
            + p.durationMs().getOrDefault("commitOffsets", 0L));
      }
      System.out.printf("  %-16s %3d batches  total %s  addBatch %s  walCommit+commitOffsets %s%n",
          e.getKey(), total.size(), stat(total), stat(write), stat(commits));
      java.util.Map<String, List<Long>> phases = new java.util.TreeMap<>();
      for (StreamingQueryProgress p : e.getValue().recentProgress()) {
        if (p.numInputRows() > 0) {
          p.durationMs().forEach((k, v) -> phases.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
        }
      }
      StringBuilder b = new StringBuilder("    phases:");
      phases.forEach((k, v) -> b.append(' ').append(k).append('=').append(stat(v)));
      System.out.println(b);
    }
  }

  private static String stat(List<Long> values) {
    if (values.isEmpty()) {
      return "-";
    }
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2) + " / " + sorted.get(sorted.size() - 1);
  }
}
