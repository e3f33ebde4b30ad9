package io.streamgate.gateway.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The per-loop snapshot read queue (push's and GraphQL's) is bounded: past it, reads fail at once with Overloaded. */
class SnapshotReadsTest {

  @Test
  void readsBeyondTheInFlightMaximumQueueUpToTheBoundThenAreRefused() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Context context = vertx.getOrCreateContext();
      SnapshotReads loop = new SnapshotReads(context, 2);
      List<Promise<String>> pending = new ArrayList<>();
      List<Future<String>> results = new ArrayList<>();
      CompletableFuture<Void> started = new CompletableFuture<>();
      context.runOnContext(v -> {
        for (int i = 0; i < SnapshotReads.MAX_READS_IN_FLIGHT + 3; i++) {
          results.add(loop.read(() -> {
            Promise<String> p = Promise.promise();
            pending.add(p);
            return p.future();
          }));
        }
        started.complete(null);
      });
      started.get(5, TimeUnit.SECONDS);
      CompletableFuture<Void> checked = new CompletableFuture<>();
      context.runOnContext(v -> {
        assertEquals(SnapshotReads.MAX_READS_IN_FLIGHT, pending.size(), "only so many in flight");
        Future<String> refused = results.get(results.size() - 1);
        assertTrue(refused.failed(), "two wait, the third is refused");
        assertInstanceOf(SnapshotReads.Overloaded.class, refused.cause());
        assertFalse(results.get(results.size() - 2).isComplete(), "queued, not refused");
        pending.get(0).complete("row");
        checked.complete(null);
      });
      checked.get(5, TimeUnit.SECONDS);
      Future<String> queued = results.get(SnapshotReads.MAX_READS_IN_FLIGHT);
      long deadline = System.currentTimeMillis() + 5_000;
      while (pending.size() == SnapshotReads.MAX_READS_IN_FLIGHT
          && System.currentTimeMillis() < deadline) {
        Thread.onSpinWait();
      }
      assertEquals(SnapshotReads.MAX_READS_IN_FLIGHT + 1, pending.size(),
          "a finished read lets a queued one start");
      assertFalse(queued.failed());
    } finally {
      vertx.close().await();
    }
  }
}
