package io.streamgate.gateway.limit.internal;

import io.streamgate.contract.Keyspace;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a {@link SharedRateLimiter} with Redis every sync interval, off the request path:
 * one pipelined batch that announces this gateway (so every gateway knows how many share the
 * limits) and runs {@link #SYNC_SCRIPT} per active counter: it adds the local admits to their
 * slots of the counter's hash, forgets slots that left the window and answers every gateway's
 * count per slot. A counter's hash expires once its newest slot has left the window.
 *
 * <p>Runs as a verticle, so syncs happen on one context and never overlap: a tick that finds
 * the previous sync still waiting for Redis is skipped.
 */
public final class RedisLimitSync extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RedisLimitSync.class);
  /** Counters idle this long are not refreshed until used again (keeps the batch small). */
  static final long ACTIVE_MILLIS = 2_000;
  /**
   * KEYS[1]: the counter's hash (slot → admits). ARGV[1]: the oldest slot still counted;
   * ARGV[2]: when the hash may expire (epoch ms); then pairs of slot and admits to add.
   * Answers the slots counted, as a flat list of slot, count.
   */
  static final String SYNC_SCRIPT = """
      for i = 3, #ARGV, 2 do
        redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
      end
      local oldest = tonumber(ARGV[1])
      local all = redis.call('HGETALL', KEYS[1])
      local counted = {}
      for i = 1, #all, 2 do
        if tonumber(all[i]) < oldest then
          redis.call('HDEL', KEYS[1], all[i])
        else
          counted[#counted + 1] = all[i]
          counted[#counted + 1] = all[i + 1]
        end
      end
      if #counted > 0 then
        redis.call('PEXPIREAT', KEYS[1], ARGV[2])
      end
      return counted
      """;

  private final SharedRateLimiter limiter;
  private final Redis redis;
  private final LimitKeys keys;
  private final long intervalMillis;
  private final long timeoutMillis;
  private final long instanceTtlMillis;
  private final String address;
  private final String instanceId = UUID.randomUUID().toString();

  // Context-confined.
  private long timer = -1;
  private boolean running;
  private boolean reportedDown;

  public RedisLimitSync(SharedRateLimiter limiter, Redis redis, Keyspace keyspace,
      long intervalMillis, long timeoutMillis, String address) {
    this.limiter = limiter;
    this.redis = redis;
    this.keys = new LimitKeys(keyspace);
    this.intervalMillis = intervalMillis;
    this.timeoutMillis = timeoutMillis;
    // Long enough that a gateway busy with a slow sync is not counted out.
    this.instanceTtlMillis = Math.max(2_000, 10 * intervalMillis);
    this.address = address;
  }

  /** How long the shared counts stay trusted after the last successful sync. */
  public static long staleAfterMillis(long intervalMillis, long timeoutMillis) {
    return Math.max(1_000, 3 * intervalMillis + timeoutMillis);
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(intervalMillis, t -> sync());
    sync();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    // Leave the registry so the others' shares grow back at once; best effort.
    return redis.send(Request.cmd(Command.ZREM).arg(keys.instances()).arg(instanceId))
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .otherwiseEmpty()
        .eventually(redis::close);
  }

  private void sync() {
    if (running) {
      return;
    }
    running = true;
    long now = limiter.nowMillis();
    List<SlidingCounter.SyncItem> items = limiter.snapshot(now, now - ACTIVE_MILLIS);
    List<Request> batch = new ArrayList<>(3 + items.size());
    batch.add(Request.cmd(Command.ZADD).arg(keys.instances())
        .arg(now + instanceTtlMillis).arg(instanceId));
    batch.add(Request.cmd(Command.ZREMRANGEBYSCORE).arg(keys.instances()).arg("-inf").arg(now));
    batch.add(Request.cmd(Command.ZCARD).arg(keys.instances()));
    for (SlidingCounter.SyncItem item : items) {
      SlidingCounter c = item.counter();
      long newest = c.slotOf(now);
      Request eval = Request.cmd(Command.EVAL).arg(SYNC_SCRIPT).arg(1).arg(keys.counter(item))
          .arg(item.oldestSlot()).arg(c.countedUntil(newest) + c.slotMillis);
      for (int i = 0; i < item.slots().length; i++) {
        eval.arg(item.slots()[i]).arg(item.deltas()[i]);
      }
      batch.add(eval);
    }
    redis.batch(batch).timeout(timeoutMillis, TimeUnit.MILLISECONDS).onComplete(ar -> {
      running = false;
      if (ar.succeeded()) {
        apply(items, ar.result(), now);
      } else {
        limiter.failSync(items);
        if (!reportedDown) {
          reportedDown = true;
          LOG.warn("cannot sync rate limits with redis at {} ({}); each gateway now enforces"
              + " every limit on its own until Redis answers again", address,
              ar.cause().getMessage());
        }
      }
    });
  }

  private void apply(List<SlidingCounter.SyncItem> items, List<Response> replies, long now) {
    List<Map<Long, Long>> globals = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      Response slots = replies.get(3 + i);
      Map<Long, Long> counts = new HashMap<>();
      for (int j = 0; j + 1 < slots.size(); j += 2) {
        counts.put(slots.get(j).toLong(), slots.get(j + 1).toLong());
      }
      globals.add(counts);
    }
    limiter.applySync(items, globals, replies.get(2).toInteger(), now);
    if (reportedDown) {
      reportedDown = false;
      LOG.info("rate limits shared through redis at {} again ({} gateways)", address,
          limiter.instances());
    }
  }
}
