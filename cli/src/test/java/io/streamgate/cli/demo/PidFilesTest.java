package io.streamgate.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PidFilesTest {
  @TempDir Path dir;
  private Process sleeper;

  @AfterEach
  void killSleeper() {
    if (sleeper != null) {
      sleeper.destroyForcibly();
    }
  }

  private Process startSleeper() throws IOException {
    sleeper = new ProcessBuilder("sleep", "313").start();
    return sleeper;
  }

  @Test
  void stopsALeftoverWhoseCommandLineMatchesAndDeletesItsFile() throws Exception {
    Process leftover = startSleeper();
    PidFiles pids = new PidFiles(dir);
    pids.write("redis", leftover.pid(), List.of("sleep", "313"));

    List<PidFiles.Entry> stopped = pids.stopLeftovers();

    assertEquals(List.of("redis"), stopped.stream().map(PidFiles.Entry::name).toList());
    assertTrue(leftover.waitFor(5, TimeUnit.SECONDS), "leftover stopped");
    assertFalse(Files.exists(dir.resolve("redis.pid")));
  }

  @Test
  void neverTouchesAProcessWhoseCommandLineDiffers() throws Exception {
    Process unrelated = startSleeper();
    PidFiles pids = new PidFiles(dir);
    // Same pid, but the file says it was a gateway: a recycled pid.
    pids.write("gateway", unrelated.pid(), List.of("io.streamgate.gateway.GatewayMain"));

    assertTrue(pids.stopLeftovers().isEmpty());
    assertTrue(unrelated.isAlive());
    assertFalse(Files.exists(dir.resolve("gateway.pid")), "stale file removed");
  }

  @Test
  void ignoresGarbageAndFilesWithoutMarkers() throws Exception {
    Process process = startSleeper();
    Files.writeString(dir.resolve("junk.pid"), "not a pid\n");
    Files.writeString(dir.resolve("bare.pid"), process.pid() + "\n");
    assertTrue(new PidFiles(dir).stopLeftovers().isEmpty());
    assertTrue(process.isAlive());
  }

  @Test
  void reportsAnotherRunningDemoButNotItself() throws Exception {
    Process other = startSleeper();
    PidFiles pids = new PidFiles(dir);
    pids.write(PidFiles.DEMO, other.pid(), List.of("sleep"));
    assertEquals(other.pid(), pids.runningDemo().orElseThrow().pid());
    // The demo's own file survives leftover cleanup.
    pids.stopLeftovers();
    assertTrue(other.isAlive());

    pids.write(PidFiles.DEMO, ProcessHandle.current().pid(), List.of("java"));
    assertTrue(pids.runningDemo().isEmpty());
    pids.remove(PidFiles.DEMO);
    assertTrue(pids.runningDemo().isEmpty());
  }
}
