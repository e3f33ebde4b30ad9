package io.streamgate.loadtest.bench.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The processes of a running {@code ./streamgate demo --cluster}, found through the pid files it
 * keeps under {@code <state>/pids/} (one per process: the pid, then strings its command line
 * contains). A pid counts only while its command line still matches, so a recycled pid is never
 * killed. Thread-safe: reads the files on every call.
 */
public final class DemoProcesses {
  private final Path pids;

  public DemoProcesses(Path stateDir) {
    this.pids = stateDir.resolve("pids");
  }

  /** The live process the demo runs as {@code name} (e.g. {@code kafka-2}), if any. */
  public Optional<ProcessHandle> find(String name) {
    Path file = pids.resolve(name + ".pid");
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      if (lines.isEmpty()) {
        return Optional.empty();
      }
      long pid = Long.parseLong(lines.get(0).strip());
      List<String> markers = lines.subList(1, lines.size());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(p -> {
        String line = commandLine(pid);
        return markers.stream().allMatch(line::contains);
      });
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** {@code /proc/<pid>/cmdline}, which also shows a title the process gave itself (redis-server does). */
  private static String commandLine(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.UTF_8).replace('\0', ' ');
    } catch (IOException e) {
      return ProcessHandle.of(pid).flatMap(p -> p.info().commandLine()).orElse("");
    }
  }

  /** Names of the pid files, e.g. {@code redis-16379}. */
  public List<String> names() {
    try (Stream<Path> files = Files.list(pids)) {
      return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".pid"))
          .map(n -> n.substring(0, n.length() - ".pid".length())).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** Whether {@code pids/demo.pid} names a running demo. */
  public boolean demoRunning() {
    return find("demo").isPresent();
  }

  /** SIGKILLs the process {@code name}; returns its pid. */
  public long kill(String name) {
    ProcessHandle process = find(name).orElseThrow(() -> new IllegalStateException(
        "no running process '" + name + "' in " + pids + ": is ./streamgate demo --cluster running?"));
    process.destroyForcibly();
    return process.pid();
  }

  /** A Redis node that is a primary now ({@code ROLE} answers {@code master}), by name. */
  public Optional<String> redisPrimary() {
    return names().stream().filter(n -> n.startsWith("redis-"))
        .filter(n -> find(n).isPresent())
        .filter(n -> "master".equals(role(Integer.parseInt(n.substring("redis-".length())))))
        .findFirst();
  }

  private static String role(int port) {
    try {
      Process cli = new ProcessBuilder("redis-cli", "-p", Integer.toString(port), "role").redirectErrorStream(true).start();
      String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      cli.waitFor(5, TimeUnit.SECONDS);
      return out.lines().findFirst().orElse("").strip();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}
