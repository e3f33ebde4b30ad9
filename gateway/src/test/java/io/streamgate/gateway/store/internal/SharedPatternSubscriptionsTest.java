package io.streamgate.gateway.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.store.ChannelSubscription;
import io.streamgate.gateway.store.Subscriptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Called outside Vert.x here, so handlers run directly on the calling thread. */
class SharedPatternSubscriptionsTest {

  /** Records the real subscriptions asked for; the test plays Redis through the handlers. */
  static final class FakeStore implements Subscriptions {
    int opened;
    int closed;
    Handler<String> onMessage;
    Handler<Void> onSubscribed;
    Handler<Void> onLost;

    @Override
    public ChannelSubscription subscribe(String channel, Handler<String> m, Handler<Void> s) {
      throw new AssertionError("not used");
    }

    @Override
    public ChannelSubscription psubscribe(String pattern, Handler<String> m, Handler<Void> s,
        Handler<Void> l) {
      opened++;
      onMessage = m;
      onSubscribed = s;
      onLost = l;
      return new ChannelSubscription() {
        @Override
        public boolean subscribed() {
          return true;
        }

        @Override
        public Future<Void> close() {
          closed++;
          return Future.succeededFuture();
        }
      };
    }
  }

  @Test
  void listenersShareOneSubscriptionAndEachGetsEveryMessageAndState() {
    FakeStore store = new FakeStore();
    SharedPatternSubscriptions shared = new SharedPatternSubscriptions(store, "ns:changes:*");
    List<String> first = new ArrayList<>();
    List<String> second = new ArrayList<>();
    ChannelSubscription a = shared.psubscribe("ns:changes:*", first::add,
        v -> first.add("up"), v -> first.add("down"));
    store.onSubscribed.handle(null);
    store.onMessage.handle("m1");
    ChannelSubscription b = shared.psubscribe("ns:changes:*", second::add,
        v -> second.add("up"), v -> second.add("down"));
    assertEquals(1, store.opened, "one real PSUBSCRIBE");
    assertEquals(List.of("up"), second, "a late listener is told it is subscribed at once");
    store.onMessage.handle("m2");
    store.onLost.handle(null);
    assertFalse(b.subscribed());
    store.onSubscribed.handle(null);
    assertTrue(a.subscribed());
    assertEquals(List.of("up", "m1", "m2", "down", "up"), first);
    assertEquals(List.of("up", "m2", "down", "up"), second);

    a.close();
    assertEquals(0, store.closed, "still one listener");
    store.onMessage.handle("m3");
    assertEquals(List.of("up", "m1", "m2", "down", "up"), first, "closed: no more messages");
    b.close();
    assertEquals(1, store.closed, "the last listener closes the real subscription");
  }
}
