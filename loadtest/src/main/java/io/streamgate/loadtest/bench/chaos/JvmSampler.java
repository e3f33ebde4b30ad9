package io.streamgate.loadtest.bench.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory of a local JVM, from outside: the heap after a full GC ({@code jcmd <pid> GC.run}, then
 * {@code GC.heap_info}: what is live, so a slope over time is a leak) and the resident set
 * ({@code VmRSS} in {@code /proc/<pid>/status}). The forced GC costs the process a pause once per
 * sample: keep samples a minute apart. Stateless.
 */
public final class JvmSampler {
  private static final Pattern HEAP_USED = Pattern.compile("total \\d+K, used (\\d+)K");
  private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");

  private JvmSampler() {}

  /** Heap used right after a full GC, in KiB, if jcmd could ask the process. */
  public static OptionalLong heapAfterGcKib(long pid) {
    if (!run(List.of(jcmd(), Long.toString(pid), "GC.run")).isPresent()) {
      return OptionalLong.empty();
    }
    return run(List.of(jcmd(), Long.toString(pid), "GC.heap_info"))
        .map(HEAP_USED::matcher).filter(Matcher::find).map(m -> OptionalLong.of(Long.parseLong(m.group(1))))
        .orElse(OptionalLong.empty());
  }

  /** Resident set size in KiB (Linux), if the process exists. */
  public static OptionalLong rssKib(long pid) {
    try {
      Matcher m = RSS.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
      return m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    } catch (IOException e) {
      return OptionalLong.empty();
    }
  }

  /** Least-squares slope of {@code values} over {@code minutes}, per minute; 0 with fewer than two points. */
  public static double slopePerMinute(List<Double> minutes, List<Double> values) {
    int n = minutes.size();
    if (n < 2) {
      return 0;
    }
    double mx = minutes.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    double my = values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    double num = 0;
    double den = 0;
    for (int i = 0; i < n; i++) {
      num += (minutes.get(i) - mx) * (values.get(i) - my);
      den += (minutes.get(i) - mx) * (minutes.get(i) - mx);
    }
    return den == 0 ? 0 : num / den;
  }

  private static String jcmd() {
    return Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
  }

  private static java.util.Optional<String> run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 ? java.util.Optional.of(out) : java.util.Optional.empty();
    } catch (IOException e) {
      return java.util.Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return java.util.Optional.empty();
    }
  }
}
