package io.streamgate.processor.runner;

import java.util.List;

/**
 * Views whose checkpoint is not the one their rows in Redis were written from: their writes would
 * all be ignored as not newer. One line per view, saying how to recover.
 */
public final class CheckpointMismatchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<String> problems;

  CheckpointMismatchException(List<String> problems) {
    super(String.join("\n", problems), null, false, false);
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
