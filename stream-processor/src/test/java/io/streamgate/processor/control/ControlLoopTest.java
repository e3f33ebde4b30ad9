package io.streamgate.processor.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.Keyspace;
import io.streamgate.contract.control.ControlReply;
import io.streamgate.contract.control.ControlReply.Outcome;
import io.streamgate.contract.control.ControlReply.ViewResult;
import io.streamgate.contract.control.ControlRequest;
import io.streamgate.contract.control.ControlRequest.Op;
import io.streamgate.harness.RedisServer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;

/** The control loop against a real redis-server. */
class ControlLoopTest {
  private static RedisServer redis;
  private static Jedis jedis;
  private final Keyspace keyspace = new Keyspace("ctl" + System.nanoTime() % 100_000);

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    jedis = new Jedis(redis.host(), redis.port());
  }

  @AfterAll
  static void stop() {
    jedis.close();
    redis.close();
  }

  private String uri() {
    return redis.uri();
  }

  private void send(ControlRequest request) {
    jedis.xadd(keyspace.control(), StreamEntryID.NEW_ENTRY,
        Map.of(ControlRequest.STREAM_FIELD, request.toJson()));
  }

  private ControlReply awaitReply(String id) {
    String key = keyspace.controlReply(id);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!jedis.exists(key)) {
      assertTrue(System.nanoTime() < deadline, "no reply to " + id + " within 10 s");
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
    return ControlReply.fromJson(jedis.get(key));
  }

  @Test
  void answersRequestsInOrderOnceEachAndRefusesExpiredOnes() {
    List<String> handled = new CopyOnWriteArrayList<>();
    long now = System.currentTimeMillis();
    send(new ControlRequest("expired", Op.DROP, "bob", "", now - 5_000, now - 1, Map.of()));
    send(new ControlRequest("a", Op.DROP, "alice", "", now, now + 60_000, Map.of("view", "x")));
    jedis.xadd(keyspace.control(), StreamEntryID.NEW_ENTRY, Map.of("request", "not json"));
    send(new ControlRequest("boom", Op.DROP, "alice", "", now, 0, Map.of("view", "fail")));
    send(new ControlRequest("b", Op.DROP, "alice", "", now, 0, Map.of("view", "y")));
    try (ControlLoop loop = ControlLoop.start(uri(), keyspace, request -> {
      handled.add(request.id());
      if ("fail".equals(request.body().get("view"))) {
        throw new IllegalStateException("simulated");
      }
      return new ControlReply(request.id(), true, null, List.of(new ViewResult(
          (String) request.body().get("view"), Outcome.DROPPED, 1, "")), null);
    }, Clock.systemUTC())) {
      ControlReply b = awaitReply("b");
      assertTrue(b.ok());
      assertEquals("y: dropped", b.results().get(0).line());
      assertEquals(List.of("a", "boom", "b"), handled, "expired and malformed ones skipped");
      ControlReply expired = awaitReply("expired");
      assertFalse(expired.ok());
      assertTrue(expired.error().contains("expired"), expired.error());
      ControlReply boom = awaitReply("boom");
      assertFalse(boom.ok());
      assertTrue(boom.error().contains("simulated"), boom.error());
    }
    // A new loop (a restarted processor) resumes after the last answered request.
    try (ControlLoop again = ControlLoop.start(uri(), keyspace, request -> {
      handled.add(request.id());
      return new ControlReply(request.id(), true, null, List.of(), null);
    }, Clock.systemUTC())) {
      send(new ControlRequest("c", Op.DROP, "alice", "", now, 0, Map.of()));
      awaitReply("c");
      assertEquals(List.of("a", "boom", "b", "c"), handled);
    }
  }
}
