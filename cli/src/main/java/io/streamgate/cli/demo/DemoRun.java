package io.streamgate.cli.demo;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A demo that {@code ./streamgate demo} runs until Ctrl-C: {@link Demo} (one node of everything)
 * or {@link ClusterDemo} ({@code --cluster}). {@link #stop} may be called from any thread (the
 * shutdown hook) at any time, also during {@link #start()}, which then gives up.
 */
public interface DemoRun extends AutoCloseable {

  /** Starts every process; returns once data is served. Stops what it started and throws on failure. */
  void start() throws DemoFailure;

  /**
   * Called about once a second while the demo runs, on the command's thread: returns a process
   * that died for good (the command then stops the demo and exits 1), reporting what it did
   * about others (a supervising demo restarts them).
   */
  Optional<Child> check(Consumer<String> report);

  /** Stops every process, newest first, reporting each. Idempotent and thread-safe. */
  void stop(Consumer<String> report);

  /** Whether {@link #stop} has been called. */
  boolean isStopping();

  /** What to print once ready: a ready line, then copy-paste examples. */
  List<String> banner();

  @Override
  void close();
}
