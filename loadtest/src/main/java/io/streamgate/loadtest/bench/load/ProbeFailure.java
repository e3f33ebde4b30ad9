package io.streamgate.loadtest.bench.load;

/** A failed probe, by kind: the key errors are counted under in the results. No stack trace. */
public final class ProbeFailure extends RuntimeException {
  private final String kind;

  public ProbeFailure(String kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public String kind() {
    return kind;
  }

  /** The error kind of any failure: the probe's own, else a short name for the exception type. */
  public static String kindOf(Throwable error) {
    if (error instanceof ProbeFailure failure) {
      return failure.kind();
    }
    String name = error.getClass().getSimpleName();
    String message = String.valueOf(error.getMessage()).toLowerCase(java.util.Locale.ROOT);
    if (name.contains("Timeout") || message.contains("timeout") || message.contains("timed out")) {
      return "timeout";
    }
    if (name.contains("Connect") || message.contains("connection refused")) {
      return "connect";
    }
    if (name.contains("Closed") || message.contains("closed")) {
      return "connection_closed";
    }
    return "io_" + name;
  }
}
