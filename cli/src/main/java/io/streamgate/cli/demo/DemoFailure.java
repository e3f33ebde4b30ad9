package io.streamgate.cli.demo;

/** The demo could not start; the message says why and what to do, ready to print as it is. */
public final class DemoFailure extends Exception {
  public DemoFailure(String message) {
    super(message);
  }

  public DemoFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
