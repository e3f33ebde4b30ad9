package io.streamgate.loadtest.bench.chaos;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One injected fault and what followed: when the process was killed, when it (or its
 * replacement) ran again, when requests succeeded again, the errors in its window by kind, and
 * freshness samples before and after recovery. Mutated by the chaos thread only.
 */
public final class FaultRecord {
  private final Fault fault;
  private final String process;
  private final long pid;
  private final Instant killedAt;
  private final Map<String, Long> errorsBefore;
  private Instant backAt;
  private Instant recoveredAt;
  private Map<String, Long> errors = Map.of();
  private List<Long> freshnessDuring = List.of();
  private List<Long> freshnessAfter = List.of();

  public FaultRecord(Fault fault, String process, long pid, Instant killedAt, Map<String, Long> errorsBefore) {
    this.fault = fault;
    this.process = process;
    this.pid = pid;
    this.killedAt = killedAt;
    this.errorsBefore = Map.copyOf(errorsBefore);
  }

  public String process() {
    return process;
  }

  public Instant killedAt() {
    return killedAt;
  }

  public Map<String, Long> errorsBefore() {
    return errorsBefore;
  }

  public Instant backAt() {
    return backAt;
  }

  public Instant recoveredAt() {
    return recoveredAt;
  }

  public boolean recovered() {
    return recoveredAt != null;
  }

  /** Whether the killed process runs again: the same name with a new live pid. */
  public boolean isBack(DemoProcesses processes) {
    return processes.find(process).map(p -> p.pid() != pid).orElse(false);
  }

  public void back(Instant at) {
    backAt = at;
  }

  public void recovered(Instant at) {
    recoveredAt = at;
  }

  public double secondsTo(Instant at) {
    return at == null ? Double.NaN : Duration.between(killedAt, at).toMillis() / 1000.0;
  }

  /** Errors of the window (from the kill to {@code windowEnd}) and the freshness samples in it. */
  public void finish(Map<String, Long> errorsNow, List<ChaosClients.Freshness> samples, Instant windowEnd) {
    Map<String, Long> window = new TreeMap<>();
    errorsNow.forEach((kind, n) -> {
      long d = n - errorsBefore.getOrDefault(kind, 0L);
      if (d > 0) {
        window.put(kind, d);
      }
    });
    errors = window;
    Instant split = recoveredAt != null ? recoveredAt : windowEnd;
    freshnessDuring = samples.stream().filter(s -> !s.sentAt().isBefore(killedAt) && s.sentAt().isBefore(split))
        .map(ChaosClients.Freshness::lagMs).sorted().toList();
    freshnessAfter = samples.stream().filter(s -> !s.sentAt().isBefore(split) && s.sentAt().isBefore(windowEnd))
        .map(ChaosClients.Freshness::lagMs).sorted().toList();
  }

  public JsonObject json() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("fault", fault.label());
    m.put("process", process);
    m.put("pid", pid);
    m.put("killedAt", killedAt.toString());
    m.put("processBackSeconds", round(secondsTo(backAt)));
    m.put("recoverySeconds", round(secondsTo(recoveredAt)));
    m.put("errorsByKind", new JsonObject(new LinkedHashMap<>(errors)));
    m.put("freshnessDuringMs", stats(freshnessDuring));
    m.put("freshnessAfterMs", stats(freshnessAfter));
    return new JsonObject(m);
  }

  /** One line for the console. */
  public String summary() {
    return String.format(Locale.ROOT, "%-14s %-16s back %6s s, serving %6s s, errors %s, freshness during %s / after %s ms",
        fault.label(), process, fmt(secondsTo(backAt)), fmt(secondsTo(recoveredAt)), errors,
        stats(freshnessDuring).getValue("p50", "-"), stats(freshnessAfter).getValue("p50", "-"));
  }

  private static JsonObject stats(List<Long> sortedMs) {
    JsonObject s = new JsonObject().put("samples", sortedMs.size());
    if (!sortedMs.isEmpty()) {
      s.put("p50", sortedMs.get(sortedMs.size() / 2)).put("max", sortedMs.get(sortedMs.size() - 1));
    }
    return s;
  }

  private static Object round(double seconds) {
    return Double.isNaN(seconds) ? null : Math.round(seconds * 10) / 10.0;
  }

  private static String fmt(double seconds) {
    return Double.isNaN(seconds) ? "never" : String.format(Locale.ROOT, "%.1f", seconds);
  }
}
