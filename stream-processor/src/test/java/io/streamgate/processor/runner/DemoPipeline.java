package io.streamgate.processor.runner;

/** What the tests that run {@code deploy/local/pipeline.yaml} change in it. */
public final class DemoPipeline {
  private DemoPipeline() {}

  /**
   * The demo pipeline with every view in micro-batches, as they were before the demo ran them in
   * real-time mode: these tests check the micro-batch path (its batches, metrics, checkpoints and
   * crash recovery) on {@code local[2]}, and the views' SQL over sources without Kafka's
   * partitions and offsets; the real-time path has tests of its own, and the demo's own tests
   * (cli DemoIT, ClusterIT) run the file as it is.
   */
  public static String microBatch(String demoPipeline) {
    String out = demoPipeline.replaceAll("(?m)^\\s*trigger: realtime\\s*$\\n", "");
    if (out.equals(demoPipeline)) {
      throw new IllegalStateException("deploy/local/pipeline.yaml has no 'trigger: realtime' line any more:"
          + " drop DemoPipeline.microBatch");
    }
    return out;
  }
}
