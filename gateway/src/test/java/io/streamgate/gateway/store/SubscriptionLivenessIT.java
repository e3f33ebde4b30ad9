package io.streamgate.gateway.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.Poll;
import io.streamgate.gateway.breaker.Breaker;
import io.streamgate.gateway.config.BreakerConfig;
import io.streamgate.gateway.config.RedisConfig;
import io.streamgate.harness.Paused;
import io.streamgate.harness.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A server that hangs (SIGSTOP: socket open, no answers) must not leave a subscription believing
 * it is subscribed while every PUBLISH goes unheard: the liveness PING notices, and with several
 * servers (a cluster's seeds) the subscription moves on to the next one.
 */
class SubscriptionLivenessIT {
  private static final int TIMEOUT_MS = 500;
  /** Silence of 5 s (5 × the timeout, at least 5 s) + a PING interval, with slack for CI. */
  private static final Duration NOTICED = Duration.ofSeconds(20);

  private final Vertx vertx = Vertx.vertx();
  private final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aHungServerIsNoticedAndTheSubscriptionComesBackWhenItAnswersAgain() throws Exception {
    RedisServer redis = started(RedisServer.start());
    Listener listener = new Listener();
    ChannelSubscription subscription = listener.psubscribe(store(redis.uri(), RedisConfig.STANDALONE));
    await("subscribed", subscription::subscribed);
    publish(redis, "before");
    await("the message before the hang", () -> listener.messages.contains("before"));

    try (Paused hung = redis.pause()) {
      await("the hang to be noticed", () -> listener.lost.get() == 1);
      assertFalse(subscription.subscribed());
    }
    await("subscribed again", () -> listener.subscribed.get() == 2);
    publish(redis, "after");
    await("the message after the hang", () -> listener.messages.contains("after"));
  }

  @Test
  void withSeveralServersAHungOneIsLeftForTheNext() throws Exception {
    RedisServer first = started(RedisServer.start());
    RedisServer second = started(RedisServer.start());
    Listener listener = new Listener();
    ChannelSubscription subscription = listener.psubscribe(
        store(first.uri() + "," + second.uri(), RedisConfig.CLUSTER));
    await("subscribed on the first seed", subscription::subscribed);

    try (Paused hung = first.pause()) {
      await("subscribed again, on the second seed, while the first still hangs",
          () -> listener.subscribed.get() == 2);
      publish(second, "on-second");
      await("the message on the second seed", () -> listener.messages.contains("on-second"));
      assertTrue(listener.lost.get() >= 1);
    }
  }

  private static void await(String what, BooleanSupplier condition) {
    Poll.until(NOTICED, condition::getAsBoolean, done -> done, what);
  }

  private RedisServer started(RedisServer server) {
    closing.add(server);
    return server;
  }

  private RedisStore store(String url, String mode) {
    RedisConfig config = new RedisConfig(url, "sg", TIMEOUT_MS, 2, 16, mode);
    Breaker breaker = Breaker.create(vertx, "redis", BreakerConfig.defaults(), TIMEOUT_MS,
        Clock.systemUTC(), e -> true, Breaker.Observer.NONE);
    RedisStore store = RedisStore.create(vertx, config, breaker);
    closing.add(() -> store.close().await(10, TimeUnit.SECONDS));
    return store;
  }

  private void publish(RedisServer server, String message) throws Exception {
    Redis client = Redis.createClient(vertx, server.uri());
    try {
      client.send(Request.cmd(Command.PUBLISH).arg("sg:changes:v").arg(message))
          .await(10, TimeUnit.SECONDS);
    } finally {
      client.close();
    }
  }

  /** Counts (re)subscriptions and losses, keeps the payloads. */
  private final class Listener {
    final AtomicInteger subscribed = new AtomicInteger();
    final AtomicInteger lost = new AtomicInteger();
    final List<String> messages = new CopyOnWriteArrayList<>();

    ChannelSubscription psubscribe(RedisStore store) {
      ChannelSubscription subscription = store.psubscribe("sg:changes:*",
          (channel, payload) -> messages.add(payload), v -> subscribed.incrementAndGet(),
          v -> lost.incrementAndGet());
      closing.add(() -> subscription.close().await(10, TimeUnit.SECONDS));
      return subscription;
    }
  }
}
