package io.streamgate.gateway.usage;

import io.streamgate.contract.Keyspace;
import io.streamgate.gateway.auth.Principal;
import io.streamgate.gateway.config.LimitsConfig;
import io.streamgate.gateway.store.RedisStore;
import io.streamgate.gateway.usage.internal.RedisUsage;
import io.vertx.core.Context;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Map;

/**
 * Usage metering and quotas. Every authenticated request, row read, event accepted and message
 * pushed is counted in memory per principal (its subject), view or stream, and UTC day
 * ({@link Counter}); a flush every {@value #FLUSH_MS} ms (and at a graceful stop) adds the counts
 * to Redis with one script per principal, in one pipelined batch, so every gateway's usage sums up
 * there, exact once each has flushed, and kept {@value #RETENTION_DAYS} days. The flush
 * answers each principal's totals of the day and month, which {@link #quota} compares with its
 * plan's quotas ({@code limits.plans.<plan>.quota}) without a Redis round trip.
 *
 * <p>Unauthenticated requests are never metered. Memory is bounded: see
 * {@code usage/internal/Cells} (beyond the bound, counts go to principal {@code (other)} and the
 * metric {@code streamgate_usage_overflow_total} grows) and {@code Quotas}.
 *
 * <p>{@link #count} and {@link #quota} run on any event loop and never block or do I/O.
 * Thread-safe.
 */
public interface Usage extends Deployable {
  long FLUSH_MS = 2_000;
  /** Days usage is kept after its day (or month) ended. */
  int RETENTION_DAYS = 400;
  /** Longest range {@link #read} answers, in days. */
  int MAX_READ_DAYS = 400;
  /** Resource of requests not about one view or stream (the view list, a WebSocket upgrade). */
  String NO_RESOURCE = "-";

  /** Counts {@code amount} of {@code counter} for {@code principal} on {@code resource}. */
  void count(Principal principal, String resource, Counter counter, long amount);

  /** The principal's first spent quota, or null if it may go on. */
  QuotaRefusal quota(Principal principal);

  /**
   * The usage of {@code subject} from day {@code from} to {@code to} (UTC, inclusive), as flushed
   * to Redis: {@code {"sub","from","to","totals":{counter: n},"days":[{"day","totals",
   * "resources":{resource:{counter: n}}}]}}, days without usage left out.
   */
  Future<Map<String, Object>> read(String subject, LocalDate from, LocalDate to);

  /**
   * For the gateway's warm-up (a rehearsal of the request chain before readiness): metering with
   * this one's code into counts of its own that are never flushed, and no quota ever refused, so
   * the warm-up compiles the metering path without counting in anyone's usage.
   */
  default Usage rehearsal() {
    return disabled();
  }

  /** Counts that went to the {@code (other)} principal because the in-memory bound was hit. */
  long overflowed();

  /** Metering and quotas through {@code store}'s Redis; flushes once deployed. */
  static Usage redis(RedisStore store, Keyspace keyspace, LimitsConfig plans, Clock clock) {
    return new RedisUsage(store, keyspace, plans, clock);
  }

  /** Nothing counted, no quota (tests of other features). */
  static Usage disabled() {
    return new Usage() {
      @Override
      public void count(Principal principal, String resource, Counter counter, long amount) {}

      @Override
      public QuotaRefusal quota(Principal principal) {
        return null;
      }

      @Override
      public Future<Map<String, Object>> read(String subject, LocalDate from, LocalDate to) {
        return Future.failedFuture(new IllegalStateException("usage metering is off"));
      }

      @Override
      public long overflowed() {
        return 0;
      }

      @Override
      public Future<?> deploy(Context context) {
        return Future.succeededFuture();
      }
    };
  }
}
