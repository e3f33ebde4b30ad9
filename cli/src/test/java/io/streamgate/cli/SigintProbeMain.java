package io.streamgate.cli;

/**
 * Test main: prints "ready PID", then waits; a shutdown hook prints "stopped", so a signal that
 * ends it shows in its output.
 */
public final class SigintProbeMain {
  private SigintProbeMain() {}

  public static void main(String[] args) throws InterruptedException {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("stopped")));
    System.out.println("ready " + ProcessHandle.current().pid());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
