package io.streamgate.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartupWaitTest {
  @TempDir Path dir;

  private Child child(String name, long pid, String log) throws Exception {
    Path file = dir.resolve(name + ".log");
    Files.writeString(file, log);
    return new Child(name, pid, file, () -> { });
  }

  private static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    assertTrue(p.waitFor(10, TimeUnit.SECONDS));
    return p.pid();
  }

  @Test
  void returnsTheFirstNonNullAnswer() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Child self = child("self", ProcessHandle.current().pid(), "");
    StartupWait wait = new StartupWait(Duration.ofSeconds(10), List.of(self), () -> false, 5);
    assertEquals("ready", wait.until("x", self, () -> calls.incrementAndGet() < 3 ? null : "ready"));
    assertEquals(3, calls.get());
  }

  @Test
  void failsFastWithTheLogTailWhenAChildDies() throws Exception {
    Child dead = child("gateway", deadPid(), "line 1\nline 2\nBindException: Address already in use\n");
    StartupWait wait = new StartupWait(Duration.ofMinutes(5), List.of(dead), () -> false, 2);
    DemoFailure e = assertThrows(DemoFailure.class, () -> wait.untilTrue("health", dead, () -> false));
    assertTrue(e.getMessage().startsWith("gateway exited during startup (while waiting for health)"), e.getMessage());
    assertTrue(e.getMessage().endsWith("line 2\nBindException: Address already in use"), e.getMessage());
  }

  @Test
  void timeoutNamesTheStepTheFlagAndShowsTheSuspectsLog() throws Exception {
    Child processor = child("processor", ProcessHandle.current().pid(), "starting Spark\n");
    StartupWait wait = new StartupWait(Duration.ofMillis(300), List.of(processor), () -> false, 5);
    DemoFailure e = assertThrows(DemoFailure.class, () -> wait.untilTrue("views", processor, () -> false));
    assertTrue(e.getMessage().startsWith("gave up waiting for views after 0 s (raise it with --startup-timeout)"),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("starting Spark"), e.getMessage());
  }

  @Test
  void stopsWaitingWhenTheDemoIsStopped() throws Exception {
    Child self = child("self", ProcessHandle.current().pid(), "");
    StartupWait wait = new StartupWait(Duration.ofMinutes(5), List.of(self), () -> true, 5);
    DemoFailure e = assertThrows(DemoFailure.class, () -> wait.untilTrue("x", self, () -> false));
    assertEquals("startup interrupted while waiting for x", e.getMessage());
  }
}
