package io.streamgate.processor.sink;

/** Told what each batch wrote; called on the view's query thread after the batch's writes. */
@FunctionalInterface
public interface BatchListener {
  void onBatchWritten(String view, long batchId, WriteCounts counts);
}
