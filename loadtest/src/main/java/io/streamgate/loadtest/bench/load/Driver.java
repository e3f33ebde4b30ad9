package io.streamgate.loadtest.bench.load;

/**
 * Generates load until stopped. {@link #start} and {@link #stop} are called by the run's
 * controlling thread; counters may be read from any thread.
 */
public interface Driver {
  void start();

  /** Stops sending; units in flight still complete and are recorded. */
  void stop();

  /** Units started and not yet completed. */
  long inFlight();

  /** What the driver aims for, for the summary: e.g. "open model, 500/s" or "closed model, 64 connections". */
  String describe();

  /** The requested rate per second, or 0 for a closed model. */
  double requestedRate();
}
