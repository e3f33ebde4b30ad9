package io.streamgate.processor.runner;

import io.streamgate.contract.Row;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * Records every change message of a namespace (PSUBSCRIBE on its own connection and thread), with
 * the time each arrived. Thread-safe reads while recording.
 */
final class ChangeRecorder implements AutoCloseable {
  record Change(String channel, Row row, long receivedNanos) {}

  private final List<Change> changes = new CopyOnWriteArrayList<>();
  private final CountDownLatch subscribed = new CountDownLatch(1);
  private final JedisPubSub pubSub = new JedisPubSub() {
    @Override
    public void onPSubscribe(String pattern, int count) {
      subscribed.countDown();
    }

    @Override
    public void onPMessage(String pattern, String channel, String message) {
      changes.add(new Change(channel, Row.fromJson(message), System.nanoTime()));
    }
  };
  private final Thread thread;

  ChangeRecorder(String redisHost, int redisPort, String pattern) throws InterruptedException {
    thread = new Thread(() -> {
      try (Jedis jedis = new Jedis(redisHost, redisPort)) {
        jedis.psubscribe(pubSub, pattern);
      }
    }, "change-recorder");
    thread.setDaemon(true);
    thread.start();
    if (!subscribed.await(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("PSUBSCRIBE " + pattern + " did not confirm within 10 s");
    }
  }

  List<Change> changes() {
    return List.copyOf(changes);
  }

  @Override
  public void close() {
    pubSub.punsubscribe();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
