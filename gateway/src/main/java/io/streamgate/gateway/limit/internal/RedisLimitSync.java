package io.streamgate.gateway.limit.internal;

import io.streamgate.contract.Keyspace;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a {@link SharedRateLimiter} with Redis every sync interval, off the request path:
 * one pipelined batch that announces this gateway (so every gateway knows how many share the
 * limits), adds each active counter's local admits with {@code INCRBY} and reads the global
 * count back from its reply. Counters expire one period after their window ends.
 *
 * <p>Runs as a verticle, so syncs happen on one context and never overlap: a tick that finds
 * the previous sync still waiting for Redis is skipped.
 */
public final class RedisLimitSync extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RedisLimitSync.class);
  /** Counters idle this long are not refreshed until used again (keeps the batch small). */
  static final long ACTIVE_MILLIS = 2_000;

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
    List<WindowCounter.SyncItem> items = limiter.snapshot(now, now - ACTIVE_MILLIS);
    List<Request> batch = new ArrayList<>(3 + 2 * items.size());
    batch.add(Request.cmd(Command.ZADD).arg(keys.instances())
        .arg(now + instanceTtlMillis).arg(instanceId));
    batch.add(Request.cmd(Command.ZREMRANGEBYSCORE).arg(keys.instances()).arg("-inf").arg(now));
    batch.add(Request.cmd(Command.ZCARD).arg(keys.instances()));
    for (WindowCounter.SyncItem item : items) {
      String key = keys.counter(item);
      WindowCounter c = item.counter();
      batch.add(Request.cmd(Command.INCRBY).arg(key).arg(item.delta()));
      batch.add(Request.cmd(Command.PEXPIREAT).arg(key)
          .arg(c.windowEnd(item.window()) + c.plan.periodMillis()));
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

  private void apply(List<WindowCounter.SyncItem> items, List<Response> replies, long now) {
    long[] globals = new long[items.size()];
    for (int i = 0; i < items.size(); i++) {
      globals[i] = replies.get(3 + 2 * i).toLong();
    }
    limiter.applySync(items, globals, replies.get(2).toInteger(), now);
    if (reportedDown) {
      reportedDown = false;
      LOG.info("rate limits shared through redis at {} again ({} gateways)", address,
          limiter.instances());
    }
  }
}
