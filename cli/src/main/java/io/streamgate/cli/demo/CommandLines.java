package io.streamgate.cli.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Reads another process's command line, to tell our own children from unrelated processes that
 * happen to have a recycled pid. Stateless and thread-safe.
 */
final class CommandLines {
  private CommandLines() {}

  /**
   * The command line of {@code pid} as one space-separated string. On Linux this is
   * {@code /proc/<pid>/cmdline}, which also shows the title a process gave itself (redis-server
   * rewrites its own to {@code redis-server 127.0.0.1:<port>}).
   */
  static Optional<String> of(long pid) {
    Path proc = Path.of("/proc", Long.toString(pid), "cmdline");
    if (Files.isReadable(proc)) {
      try {
        String raw = new String(Files.readAllBytes(proc), StandardCharsets.UTF_8);
        String line = raw.replace('\0', ' ').strip();
        if (!line.isEmpty()) {
          return Optional.of(line);
        }
      } catch (IOException e) {
        // The process exited meanwhile; fall through to the JDK's view.
      }
    }
    return ProcessHandle.of(pid).flatMap(h -> h.info().commandLine());
  }

  /** Whether {@code pid} is alive and its command line contains every marker. */
  static boolean matches(long pid, List<String> markers) {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty() || !handle.get().isAlive()) {
      return false;
    }
    return of(pid).map(line -> markers.stream().allMatch(line::contains)).orElse(false);
  }
}
