package io.streamgate.gateway.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GatedClusterClientTest {
  private final Vertx vertx = Vertx.vertx();
  private final FakeRedis fake = new FakeRedis();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void atMostPermitsInFlightTheOthersWaitInOrder() throws Exception {
    GatedClusterClient gate = new GatedClusterClient(vertx, fake, 2, 10, 60_000);
    List<Future<Response>> answers = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      answers.add(gate.send(get("k" + i)));
    }
    assertEquals(List.of("k0", "k1"), fake.sentKeys());
    assertEquals(2, gate.inFlight());

    fake.answer(0);
    await(answers.get(0));
    poll(() -> fake.sentKeys().size() == 3);
    assertEquals("k2", fake.sentKeys().get(2), "waiters go in order");
    fake.fail(1);
    poll(() -> fake.sentKeys().size() == 4);
    assertTrue(answers.get(1).toCompletionStage().toCompletableFuture()
        .handle((r, e) -> e != null).get(5, TimeUnit.SECONDS), "the failure reaches the caller");
    fake.answer(2);
    fake.answer(3);
    poll(() -> fake.sentKeys().size() == 5);
    fake.answer(4);
    for (Future<Response> answer : answers.subList(2, 5)) {
      await(answer);
    }
    assertEquals(0, gate.inFlight(), "every place is given back");
  }

  @Test
  void aFullQueueFailsAtOnce() {
    GatedClusterClient gate = new GatedClusterClient(vertx, fake, 1, 1, 60_000);
    gate.send(get("a"));
    gate.send(get("b"));
    Future<Response> third = gate.send(get("c"));
    assertTrue(third.failed(), "failed at once");
    assertTrue(third.cause().getMessage().contains("too many redis commands waiting"));
  }

  @Test
  void aCommandWhoseCallerGaveUpIsNotSent() throws Exception {
    GatedClusterClient gate = new GatedClusterClient(vertx, fake, 1, 10, 50);
    gate.send(get("slow"));
    Future<Response> late = gate.send(get("late"));
    Thread.sleep(120);
    Future<Response> fresh = gate.send(get("fresh"));
    fake.answer(0);
    poll(() -> late.isComplete());
    assertTrue(late.failed());
    assertTrue(late.cause().getMessage().contains("waited more than 50 ms"), late.cause()
        .getMessage());
    poll(() -> fake.sentKeys().size() == 2);
    assertEquals(List.of("slow", "fresh"), fake.sentKeys());
    fake.answer(1);
    await(fresh);
  }

  @Test
  void aCallThatThrowsGivesItsPlaceBack() {
    Redis throwing = new FakeRedis() {
      @Override
      public Future<Response> send(Request command) {
        throw new IllegalStateException("boom");
      }
    };
    GatedClusterClient gate = new GatedClusterClient(vertx, throwing, 1, 0, 60_000);
    assertTrue(gate.send(get("a")).failed());
    assertTrue(gate.send(get("b")).failed());
    assertEquals(0, gate.inFlight());
    assertTrue(gate.send(get("c")).cause().getMessage().contains("boom"));
  }

  @Test
  void aStuckClientIsReplacedAndItsPlacesGivenBack() throws Exception {
    FakeRedis second = new FakeRedis();
    List<Integer> generations = new ArrayList<>();
    GatedClusterClient gate = new GatedClusterClient(vertx, generation -> {
      synchronized (generations) {
        generations.add(generation);
      }
      return generation == 0 ? fake : second;
    }, 2, 10, 60_000, 200);
    Future<Response> hung1 = gate.send(get("a"));
    Future<Response> hung2 = gate.send(get("b"));
    Future<Response> waiting = gate.send(get("c"));
    poll(() -> gate.generation() == 1);
    assertEquals(List.of(0, 1), generations);
    poll(() -> second.sentKeys().equals(List.of("c")));
    second.answer(0);
    await(waiting);
    assertEquals(0, gate.inFlight(), "the stuck commands gave their places back");
    Future<Response> next = gate.send(get("d"));
    assertEquals(List.of("c", "d"), second.sentKeys());
    second.answer(1);
    await(next);
    fake.answer(0); // a late answer of the old client still reaches its caller ...
    await(hung1);
    assertEquals(0, gate.inFlight(), "... and frees no place twice");
    assertTrue(!hung2.isComplete());
    gate.close();
  }

  private static Request get(String key) {
    return Request.cmd(Command.GET).arg(key);
  }

  private static void await(Future<Response> answer) throws Exception {
    answer.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static void poll(java.util.function.BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!done.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "not reached in 5 s");
      Thread.sleep(5);
    }
  }

  /** Records what was sent; each answer is given by the test. */
  static class FakeRedis extends RedisFake {
    private final List<String> keys = new ArrayList<>();
    private final List<Promise<Response>> pending = new ArrayList<>();

    synchronized List<String> sentKeys() {
      return new ArrayList<>(keys);
    }

    void answer(int i) {
      promise(i).complete(null);
    }

    void fail(int i) {
      promise(i).fail("no");
    }

    private synchronized Promise<Response> promise(int i) {
      return pending.get(i);
    }

    @Override
    public synchronized Future<Response> send(Request command) {
      keys.add(command.toString().replaceAll("(?s).*\\$\\d+\\r\\n([^\\r]*)\\r\\n$", "$1"));
      Promise<Response> promise = Promise.promise();
      pending.add(promise);
      return promise.future();
    }

    @Override
    public Future<List<Response>> batch(List<Request> commands) {
      throw new UnsupportedOperationException();
    }
  }
}
