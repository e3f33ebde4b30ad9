package io.streamgate.processor.runner;

/** What the tests that run {@code deploy/local/pipeline.yaml} change in it. */
final class DemoPipeline {
  private DemoPipeline() {}

  /**
   * The demo pipeline with {@code order_status} in micro-batches, as every view of it was before
   * the demo ran it in real-time mode: these tests check the micro-batch path (its batches,
   * metrics, checkpoints and crash recovery) on {@code local[2]}; the real-time path has tests of
   * its own, and the demo's own tests (cli DemoIT) run the file as it is.
   */
  static String microBatch(String demoPipeline) {
    String out = demoPipeline.replaceAll("(?m)^\\s*trigger: realtime\\s*$\\n", "");
    if (out.equals(demoPipeline)) {
      throw new IllegalStateException("deploy/local/pipeline.yaml has no 'trigger: realtime' line any more:"
          + " drop DemoPipeline.microBatch");
    }
    return out;
  }
}
