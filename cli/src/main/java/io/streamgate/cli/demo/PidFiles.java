package io.streamgate.cli.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One file per demo process in {@code <state>/pids/}: its pid, then marker strings its command
 * line must contain. A demo killed with SIGKILL cannot stop its children; their orphan watches
 * (see the harness's ManagedProcess) do, and where there are none (no setsid or perl) or they
 * were killed too, the next demo finds the children through these files and stops them, but
 * only if pid and command line still match, so a recycled pid never gets an unrelated process
 * killed.
 *
 * <p>Thread-safe: each method works on whole files.
 */
final class PidFiles {
  /** The file of the demo (CLI) process itself. */
  static final String DEMO = "demo";
  private static final String SUFFIX = ".pid";
  private static final long GRACE_SECONDS = 10;

  /** A pid file's content. */
  record Entry(String name, long pid, List<String> markers) {
    boolean isRunning() {
      return CommandLines.matches(pid, markers);
    }
  }

  private final Path dir;

  PidFiles(Path dir) {
    this.dir = dir;
  }

  void write(String name, long pid, List<String> markers) throws IOException {
    Files.createDirectories(dir);
    List<String> lines = new ArrayList<>();
    lines.add(Long.toString(pid));
    lines.addAll(markers);
    Path temp = dir.resolve(name + SUFFIX + ".tmp");
    Files.write(temp, lines, StandardCharsets.UTF_8);
    Files.move(temp, file(name), StandardCopyOption.REPLACE_EXISTING);
  }

  void remove(String name) {
    try {
      Files.deleteIfExists(file(name));
    } catch (IOException e) {
      // A stale file is harmless: the next start checks the command line before acting on it.
    }
  }

  /** The other demo using this state directory, if one is running. */
  Optional<Entry> runningDemo() throws IOException {
    return read(file(DEMO)).filter(Entry::isRunning).filter(e -> e.pid() != ProcessHandle.current().pid());
  }

  /**
   * Stops (SIGTERM, then SIGKILL after 10 s) every process left by an earlier demo that is still
   * running, deletes all pid files but the demo's own, and returns what was stopped.
   */
  List<Entry> stopLeftovers() throws IOException {
    List<Entry> stopped = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return stopped;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path f : files) {
        Optional<Entry> entry = read(f);
        if (entry.isPresent() && entry.get().name().equals(DEMO)) {
          continue;
        }
        if (entry.isPresent() && entry.get().isRunning()) {
          stopped.add(entry.get());
        }
        Files.deleteIfExists(f);
      }
    }
    // Signal all, then wait once: the processes shut down in parallel.
    List<ProcessHandle> tree = new ArrayList<>();
    for (Entry entry : stopped) {
      ProcessHandle.of(entry.pid()).ifPresent(p -> {
        tree.add(p);
        p.descendants().forEach(tree::add);
      });
    }
    tree.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GRACE_SECONDS);
    for (ProcessHandle p : tree) {
      try {
        p.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException | ExecutionException e) {
        p.destroyForcibly();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
    return stopped;
  }

  private Optional<Entry> read(Path f) throws IOException {
    if (!Files.isRegularFile(f)) {
      return Optional.empty();
    }
    List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
    String name = f.getFileName().toString();
    name = name.substring(0, name.length() - SUFFIX.length());
    if (lines.isEmpty()) {
      return Optional.empty();
    }
    try {
      long pid = Long.parseLong(lines.get(0).strip());
      List<String> markers = lines.subList(1, lines.size()).stream().filter(s -> !s.isBlank()).toList();
      // A file without markers would match any process with that pid: never act on it.
      return markers.isEmpty() ? Optional.empty() : Optional.of(new Entry(name, pid, markers));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private Path file(String name) {
    return dir.resolve(name + SUFFIX);
  }
}
