package io.streamgate.loadtest.bench.scenario;

import io.streamgate.loadtest.bench.ScenarioCommand;
import io.streamgate.loadtest.bench.load.Driver;
import io.streamgate.loadtest.bench.load.Http;
import io.streamgate.loadtest.bench.load.ProbeFailure;
import io.streamgate.loadtest.bench.load.Target;
import io.streamgate.loadtest.bench.measure.Measurements;
import io.streamgate.loadtest.bench.report.Results;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One principal (one token) over several gateways: requests go round robin to every --target;
 * counts what each admitted (any answer but 429, 401/403 and 5xx) and refused (429), checks that
 * 429s carry Retry-After, and
 * compares the total admitted with the plan's limit when --limit is given.
 */
@Command(name = "rate-limit", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Checks 429 behaviour and the total admitted for one principal across several --target "
        + "gateways (round robin). 429 = limited (must carry Retry-After); 401/403/5xx are errors; any other "
        + "answer was admitted.",
        "Example (demo plan 'trial' = 20 per 60 s): ./streamgate bench rate-limit --plan trial --limit 20 "
            + "--period 60s --rate 20 --duration 30s --warmup 0 --target http://127.0.0.1:8080 "
            + "--target http://127.0.0.1:8081"})
public final class RateLimit extends ScenarioCommand {
  @Option(names = "--path", paramLabel = "PATH", defaultValue = "/v1/views",
      description = "Path to request (default: ${DEFAULT-VALUE}).")
  String path;

  @Option(names = "--limit", paramLabel = "N",
      description = "The plan's requests per period, to check the total admitted against.")
  Long limit;

  @Option(names = "--period", paramLabel = "TIME", defaultValue = "60s",
      converter = io.streamgate.loadtest.bench.DurationConverter.class,
      description = "The plan's period (default: ${DEFAULT-VALUE}).")
  java.time.Duration period;

  @Option(names = "--plan", paramLabel = "P",
      description = "Plan claim of the token ./streamgate bench mints; ignored with --token.")
  String plan;

  @Override
  protected String name() {
    return "rate-limit";
  }

  @Override
  protected void validate() {
    if (limit != null && limit < 1) {
      throw new IllegalArgumentException("--limit must be at least 1, but was " + limit);
    }
    if (period.isZero() || period.isNegative()) {
      throw new IllegalArgumentException("--period must be positive, but was " + period);
    }
  }

  /** One pool of --connections per target, used round robin. */
  @Override
  protected int openModelSendLimit() {
    return common.connections() * common.targets().size();
  }

  @Override
  protected Results execute(Vertx vertx, Measurements measurements, Instant startedAt) {
    List<Target> targets = common.targets();
    List<Http> clients = new ArrayList<>();
    Map<String, LongAdder> admittedBy = new LinkedHashMap<>();
    Map<String, LongAdder> limitedBy = new LinkedHashMap<>();
    for (Target target : targets) {
      clients.add(new Http(vertx, target, common.connections(), common.token(), common.timeout().toMillis(),
          common.insecure()));
      admittedBy.put(target.url(), new LongAdder());
      limitedBy.put(target.url(), new LongAdder());
    }
    AtomicLong turn = new AtomicLong();
    try {
      Driver driver = driver(vertx, () -> {
        Http http = clients.get((int) (turn.getAndIncrement() % clients.size()));
        String url = http.target().url();
        return http.get(path).compose(r -> {
          boolean counted = measurements.measuring();
          // Past the limiter: any answer but 429, auth refusals and server errors (a 404 was admitted too).
          if (r.status() != 429 && r.status() != 401 && r.status() != 403 && r.status() < 500) {
            if (counted) {
              admittedBy.get(url).increment();
            }
            measurements.count("admitted");
            return Future.succeededFuture();
          }
          if (r.status() == 429) {
            if (counted) {
              limitedBy.get(url).increment();
            }
            measurements.count("limited_429");
            if (r.headers().get("Retry-After") == null) {
              return Future.failedFuture(new ProbeFailure("429_without_retry_after", "429 without Retry-After"));
            }
            return Future.succeededFuture();
          }
          return Future.failedFuture(new ProbeFailure("http_" + r.status(), "HTTP " + r.status()));
        });
      }, measurements);
      run(driver, measurements);
      Results draft = results("requests", startedAt, targetUrls(), driver, measurements, Map.of(), List.of());
      long admitted = admittedBy.values().stream().mapToLong(LongAdder::sum).sum();
      long limited = limitedBy.values().stream().mapToLong(LongAdder::sum).sum();
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put("admitted", admitted);
      extra.put("limited", limited);
      Map<String, Object> perTarget = new LinkedHashMap<>();
      admittedBy.forEach((url, n) ->
          perTarget.put(url, Map.of("admitted", n.sum(), "limited", limitedBy.get(url).sum())));
      extra.put("byTarget", perTarget);
      List<String> warnings = new ArrayList<>();
      if (limit != null) {
        double allowed = allowedAtMost(limit, period.toMillis() / 1000.0, draft.durationSeconds());
        extra.put("allowedAtMost", Math.round(allowed));
        extra.put("overshoot", Math.round((admitted / allowed - 1) * 1000) / 1000.0);
        if (admitted > allowed) {
          warnings.add(String.format(Locale.ROOT, "admitted %d, more than the %.0f a limit of %d per %s allows "
              + "in %.1f s (overshoot %.1f%%)", admitted, allowed, limit, period, draft.durationSeconds(),
              100 * (admitted / allowed - 1)));
        }
      }
      if (limited == 0) {
        warnings.add("no 429 at all: the rate stayed under the limit, or limits are off for this principal");
      }
      return results("requests", startedAt, targetUrls(), driver, measurements, extra, warnings);
    } finally {
      clients.forEach(Http::close);
    }
  }

  /**
   * The most a limit of {@code limit} per {@code periodSeconds} admits in {@code seconds}: one full
   * bucket plus the refill over the window. Pure.
   */
  public static double allowedAtMost(long limit, double periodSeconds, double seconds) {
    return limit + limit * seconds / periodSeconds;
  }
}
