package io.streamgate.processor.pipeline;

import java.util.List;

/**
 * A pipeline file that cannot run. Each problem is one line naming the file, the source or view,
 * and what is wrong; the message is those lines joined.
 */
public final class PipelineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<String> problems;

  public PipelineException(List<String> problems) {
    super(String.join("\n", problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a PipelineException needs at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
