package io.streamgate.gateway.usage.internal;

import io.streamgate.contract.Keyspace;
import io.streamgate.gateway.auth.Principal;
import io.streamgate.gateway.config.LimitsConfig;
import io.streamgate.gateway.store.RedisStore;
import io.streamgate.gateway.usage.Counter;
import io.streamgate.gateway.usage.QuotaRefusal;
import io.streamgate.gateway.usage.Usage;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Usage} in Redis. The flush runs on this verticle's context every
 * {@link Usage#FLUSH_MS} and once more when it stops; flushes never overlap. Each principal and
 * day is one {@link #FLUSH_SCRIPT} call (its keys share a hash slot, so it runs on Redis Cluster
 * too); the calls of one flush go out together.
 */
public final class RedisUsage extends VerticleBase implements Usage {
  private static final Logger LOG = LoggerFactory.getLogger(RedisUsage.class);
  /** In-memory cells per flush interval; see {@link Cells}. */
  static final int MAX_CELLS = 50_000;
  private static final Counter[] COUNTERS = Counter.values();
  /**
   * KEYS: the day's usage hash, the day's totals, the month's totals. ARGV[1], ARGV[2]: when the
   * day's and the month's keys expire (epoch s); ARGV[3]: how many field/count pairs for the
   * usage hash follow; then those pairs; then field/count pairs for both totals. Answers the
   * day's and the month's totals (flat field, count lists).
   */
  static final String FLUSH_SCRIPT = """
      local n = tonumber(ARGV[3])
      local i = 4
      for _ = 1, n do
        redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
        i = i + 2
      end
      while i <= #ARGV do
        redis.call('HINCRBY', KEYS[2], ARGV[i], ARGV[i + 1])
        redis.call('HINCRBY', KEYS[3], ARGV[i], ARGV[i + 1])
        i = i + 2
      end
      redis.call('EXPIREAT', KEYS[1], ARGV[1])
      redis.call('EXPIREAT', KEYS[2], ARGV[1])
      redis.call('EXPIREAT', KEYS[3], ARGV[2])
      return {redis.call('HGETALL', KEYS[2]), redis.call('HGETALL', KEYS[3])}
      """;

  /** One principal's counts of one day, as one script call. */
  private record Batch(String subject, String day, List<Cells.Drained> cells, long[] quota) {}

  private final RedisStore store;
  private final Keyspace keyspace;
  private final Clock clock;
  private final Cells cells = new Cells(MAX_CELLS);
  private final LimitsConfig plans;
  private final Quotas quotas;
  private final boolean anyQuota;
  /** A {@link #rehearsal()}: never deployed (so never flushed), never refuses. */
  private final boolean rehearsal;
  // Confined to this verticle's context.
  private long timer = -1;
  private Future<Void> flushing;
  private boolean reportedFailure;

  public RedisUsage(RedisStore store, Keyspace keyspace, LimitsConfig plans, Clock clock) {
    this(store, keyspace, plans, clock, false);
  }

  private RedisUsage(RedisStore store, Keyspace keyspace, LimitsConfig plans, Clock clock,
      boolean rehearsal) {
    this.store = store;
    this.keyspace = keyspace;
    this.clock = clock;
    this.plans = plans;
    this.quotas = new Quotas(plans);
    this.anyQuota = quotas.any();
    this.rehearsal = rehearsal;
  }

  @Override
  public Usage rehearsal() {
    return new RedisUsage(store, keyspace, plans, clock, true);
  }

  @Override
  public void count(Principal principal, String resource, Counter counter, long amount) {
    if (amount == 0) {
      return;
    }
    String subject = principal.subject();
    cells.add(UtcPeriods.day(clock.millis()), subject, resource, counter, amount);
    if (anyQuota) {
      quotas.counted(subject, counter, amount);
    }
  }

  @Override
  public QuotaRefusal quota(Principal principal) {
    QuotaRefusal refusal = anyQuota
        ? quotas.check(principal.subject(), principal.plan(), clock.millis()) : null;
    return rehearsal ? null : refusal;
  }

  @Override
  public long overflowed() {
    return cells.overflowed();
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(FLUSH_MS, t -> flush());
    return Future.succeededFuture();
  }

  /** The last flush: what was counted until the servers stopped reaches Redis. */
  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    Future<Void> previous = flushing == null ? Future.succeededFuture() : flushing;
    return previous.eventually(this::flush);
  }

  private Future<Void> flush() {
    if (flushing != null) {
      return flushing;
    }
    List<Batch> batches = batches(cells.drain());
    if (batches.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Future<Response>> calls = new ArrayList<>(batches.size());
    for (Batch batch : batches) {
      calls.add(store.send(script(batch)));
    }
    Future<Void> done = Future.join(calls).mapEmpty();
    flushing = done;
    // Registered after the assignment: a batch failing at once (breaker open) completes here.
    done.onComplete(ar -> {
      flushing = null;
      List<Cells.Drained> unwritten = new ArrayList<>();
      for (int i = 0; i < batches.size(); i++) {
        Batch batch = batches.get(i);
        Future<Response> call = calls.get(i);
        if (call.succeeded()) {
          learned(batch, call.result());
        } else {
          unwritten.addAll(batch.cells());
        }
      }
      if (unwritten.isEmpty()) {
        if (reportedFailure) {
          reportedFailure = false;
          LOG.info("usage flushed to Redis again");
        }
      } else {
        cells.restore(unwritten);
        if (!reportedFailure) {
          reportedFailure = true;
          LOG.warn("cannot flush usage to Redis ({}); the counts stay in memory (bounded) and"
              + " are retried every {} ms", ar.cause() == null ? "some calls failed"
              : ar.cause().getMessage(), FLUSH_MS);
        }
      }
    });
    return done.otherwiseEmpty();
  }

  /** Groups the drained cells by principal and day. */
  private static List<Batch> batches(List<Cells.Drained> drained) {
    Map<String, Batch> byPrincipalDay = new LinkedHashMap<>();
    for (Cells.Drained d : drained) {
      Batch batch = byPrincipalDay.computeIfAbsent(d.key().subject() + '\n' + d.key().day(),
          k -> new Batch(d.key().subject(), d.key().day(), new ArrayList<>(), new long[3]));
      batch.cells().add(d);
      for (Counter counter : COUNTERS) {
        int index = Quotas.index(counter);
        if (index >= 0) {
          batch.quota()[index] += d.counts()[counter.ordinal()];
        }
      }
    }
    return new ArrayList<>(byPrincipalDay.values());
  }

  private Request script(Batch batch) {
    String month = batch.day().substring(0, 7);
    Request eval = Request.cmd(Command.EVAL).arg(FLUSH_SCRIPT).arg(3)
        .arg(keyspace.usage(batch.subject(), batch.day()))
        .arg(keyspace.usageTotal(batch.subject(), batch.day()))
        .arg(keyspace.usageTotal(batch.subject(), month))
        .arg(UtcPeriods.dayExpiry(batch.day())).arg(UtcPeriods.monthExpiry(month));
    List<String> pairs = new ArrayList<>();
    Map<String, Long> totals = new TreeMap<>();
    for (Cells.Drained d : batch.cells()) {
      for (Counter counter : COUNTERS) {
        long n = d.counts()[counter.ordinal()];
        if (n != 0) {
          pairs.add(d.key().resource() + ' ' + counter.field());
          pairs.add(Long.toString(n));
          totals.merge(total(counter), n, Long::sum);
        }
      }
    }
    eval.arg(pairs.size() / 2);
    pairs.forEach(eval::arg);
    totals.forEach((field, n) -> eval.arg(field).arg(n));
    return eval;
  }

  /** The totals field of a counter: its quota's name, else the counter's own. */
  private static String total(Counter counter) {
    return counter.quota() != null ? counter.quota() : counter.field();
  }

  private void learned(Batch batch, Response reply) {
    if (anyQuota && quotas.tracked(batch.subject())) {
      quotas.learned(batch.subject(), batch.day(), flat(reply.get(0)), flat(reply.get(1)),
          batch.quota());
    }
  }

  private static Map<String, Long> flat(Response list) {
    Map<String, Long> out = new HashMap<>();
    for (int i = 0; list != null && i + 1 < list.size(); i += 2) {
      out.put(list.get(i).toString(), list.get(i + 1).toLong());
    }
    return out;
  }

  // ---- reading (admin API)

  @Override
  public Future<Map<String, Object>> read(String subject, LocalDate from, LocalDate to) {
    List<LocalDate> days = new ArrayList<>();
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      days.add(d);
    }
    List<Future<Response>> reads = new ArrayList<>(days.size());
    for (LocalDate day : days) {
      reads.add(store.send(Request.cmd(Command.HGETALL)
          .arg(keyspace.usage(subject, day.toString()))));
    }
    return Future.all(reads).map(all -> {
      Map<String, Long> totals = new TreeMap<>();
      List<Map<String, Object>> perDay = new ArrayList<>();
      for (int i = 0; i < days.size(); i++) {
        Response hash = reads.get(i).result();
        if (hash == null || hash.size() == 0) {
          continue;
        }
        Map<String, Map<String, Long>> resources = new TreeMap<>();
        Map<String, Long> dayTotals = new TreeMap<>();
        for (String field : hash.getKeys()) {
          int space = field.lastIndexOf(' ');
          if (space <= 0) {
            continue;
          }
          long n = hash.get(field).toLong();
          String counter = field.substring(space + 1);
          resources.computeIfAbsent(field.substring(0, space), r -> new TreeMap<>())
              .merge(counter, n, Long::sum);
          dayTotals.merge(counter, n, Long::sum);
          totals.merge(counter, n, Long::sum);
        }
        Map<String, Object> day = new LinkedHashMap<>();
        day.put("day", days.get(i).toString());
        day.put("totals", dayTotals);
        day.put("resources", resources);
        perDay.add(day);
      }
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("sub", subject);
      out.put("from", from.toString());
      out.put("to", to.toString());
      out.put("totals", totals);
      out.put("days", perDay);
      return out;
    });
  }
}
