package io.streamgate.gateway.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.Keyspace;
import io.streamgate.gateway.store.StoreUnavailableException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.types.BulkType;
import io.vertx.redis.client.impl.types.MultiType;
import io.vertx.redis.client.impl.types.NumberType;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A multi-get on a Redis Cluster: one batch per node, key by key only when the slot map proved
 * out of date, never when Redis itself fails (that would multiply the failing calls).
 */
class RedisViewStoreClusterTest {
  private static final List<String> KEYS = List.of("a", "b", "c", "d", "e", "f", "g", "h");

  /** Two nodes, half the slots each; batches fail with {@code batchFailure}. */
  private static final class FakeCluster extends RedisFake {
    final AtomicInteger slotFetches = new AtomicInteger();
    final AtomicInteger batches = new AtomicInteger();
    final AtomicInteger singles = new AtomicInteger();
    final RuntimeException batchFailure;

    FakeCluster(RuntimeException batchFailure) {
      this.batchFailure = batchFailure;
    }

    @Override
    public Future<Response> send(Request request) {
      if (request.command() == Command.CLUSTER) {
        slotFetches.incrementAndGet();
        MultiType reply = MultiType.create(2, false);
        reply.add(range(0, 8191, 7001));
        reply.add(range(8192, 16383, 7002));
        return Future.succeededFuture(reply);
      }
      singles.incrementAndGet();
      return Future.succeededFuture(null); // no such row
    }

    @Override
    public Future<List<Response>> batch(List<Request> requests) {
      batches.incrementAndGet();
      return Future.failedFuture(batchFailure);
    }

    private static Response range(int start, int end, int port) {
      MultiType node = MultiType.create(2, false);
      node.add(BulkType.create(Buffer.buffer("127.0.0.1"), false));
      node.add(NumberType.create(port));
      MultiType range = MultiType.create(3, false);
      range.add(NumberType.create(start));
      range.add(NumberType.create(end));
      range.add(node);
      return range;
    }
  }

  private static RedisViewStore store(FakeCluster redis) {
    return new RedisViewStore(redis, new Keyspace("sg"), "redis://127.0.0.1:7001", true);
  }

  @Test
  void aFailingRedisFailsTheMultiGetWithoutAskingKeyByKey() {
    FakeCluster redis = new FakeCluster(new RuntimeException("Connection refused"));
    Future<?> read = store(redis).getAll("orders", 1, KEYS);

    assertTrue(read.failed());
    assertTrue(read.cause() instanceof StoreUnavailableException, read.cause().toString());
    assertTrue(redis.batches.get() >= 1, "one batch per node was sent");
    assertEquals(0, redis.singles.get(), "no key was asked on its own");
  }

  @Test
  void anOutOfDateSlotMapFallsBackToKeyByKeyAndIsFetchedAgain() {
    FakeCluster redis = new FakeCluster(new RuntimeException(
        "Keys of command or batch: \"x\" targets not all in the same hash slot (CROSSSLOT)"));
    RedisViewStore store = store(redis);
    Future<?> read = store.getAll("orders", 1, KEYS);

    assertTrue(read.succeeded(), () -> String.valueOf(read.cause()));
    assertEquals(KEYS.size(), redis.singles.get(), "every key of the failed batches, once");
    store.getAll("orders", 1, KEYS);
    assertEquals(2, redis.slotFetches.get(), "the map was forgotten and fetched again");
  }

  @Test
  void onlyTheClientsCrossSlotRefusalMeansMovedSlots() {
    assertTrue(RedisViewStore.slotsMoved(new RuntimeException("... (CROSSSLOT) ...")));
    assertFalse(RedisViewStore.slotsMoved(new RuntimeException("Connection refused")));
    assertFalse(RedisViewStore.slotsMoved(new RuntimeException((String) null)));
    assertFalse(RedisViewStore.slotsMoved(null));
  }
}
