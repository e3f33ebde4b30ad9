package io.streamgate.processor.pipeline;

/** Turns exceptions (Spark's are many lines long) into one line for a message. Stateless. */
public final class Messages {
  private static final int MAX = 300;

  private Messages() {}

  /**
   * The first non-blank line of the message, without Spark's trailing {@code SQLSTATE} part,
   * cut to a readable length.
   */
  public static String firstLine(Throwable e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return e.getClass().getSimpleName();
    }
    String line = message.strip().lines().findFirst().orElse("").strip();
    int state = line.indexOf(" SQLSTATE:");
    if (state > 0) {
      line = line.substring(0, state).strip();
    }
    return line.length() <= MAX ? line : line.substring(0, MAX) + "…";
  }

  /** The first line of the innermost cause's message: usually the one that says what happened. */
  public static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null || message.isBlank()
        ? root.getClass().getSimpleName()
        : message.strip().lines().findFirst().orElse("");
  }
}
