package io.streamgate.gateway.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.Row;
import io.streamgate.gateway.store.ChangeFeed;
import io.streamgate.gateway.store.ChannelSubscription;
import io.streamgate.gateway.store.Subscriptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Called outside Vert.x here, so listeners run directly on the calling thread. */
class SharedChangeFeedTest {

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

  /** Records what a listener is told: rows by key, and "up"/"down". */
  static final class Recorder implements ChangeFeed.Listener {
    final List<String> seen = new ArrayList<>();

    @Override
    public void onChange(Row row) {
      seen.add(row.key());
    }

    @Override
    public void onSubscribed() {
      seen.add("up");
    }

    @Override
    public void onLost() {
      seen.add("down");
    }
  }

  private static String change(String key) {
    return new Row("v", key, 1, 1, "{}").toJson();
  }

  @Test
  void listenersShareOneSubscriptionAndEachGetsEveryRowAndState() {
    FakeStore store = new FakeStore();
    SharedChangeFeed feed = new SharedChangeFeed(store, "ns:changes:*");
    Recorder first = new Recorder();
    Recorder second = new Recorder();
    ChangeFeed.Registration a = feed.listen(null, first);
    store.onSubscribed.handle(null);
    store.onMessage.handle(change("m1"));
    ChangeFeed.Registration b = feed.listen(null, second);
    assertEquals(1, store.opened, "one real PSUBSCRIBE");
    assertEquals(List.of("up"), second.seen, "a late listener is told it is subscribed at once");
    store.onMessage.handle(change("m2"));
    store.onLost.handle(null);
    assertFalse(b.subscribed());
    store.onSubscribed.handle(null);
    assertTrue(a.subscribed());
    assertEquals(List.of("up", "m1", "m2", "down", "up"), first.seen);
    assertEquals(List.of("up", "m2", "down", "up"), second.seen);

    a.close();
    assertEquals(0, store.closed, "still one listener");
    store.onMessage.handle(change("m3"));
    assertEquals(List.of("up", "m1", "m2", "down", "up"), first.seen, "closed: no more rows");
    b.close();
    assertEquals(1, store.closed, "the last listener closes the real subscription");
  }

  @Test
  void aMessageThatIsNoContractRowIsCountedOnceAndReachesNoListener() {
    FakeStore store = new FakeStore();
    SharedChangeFeed feed = new SharedChangeFeed(store, "ns:changes:*");
    Recorder listener = new Recorder();
    feed.listen(null, listener);
    store.onMessage.handle("not json");
    store.onMessage.handle("{\"view\":\"v\"}");
    store.onMessage.handle(change("k"));
    assertEquals(2, feed.malformed());
    assertEquals(List.of("k"), listener.seen);
  }
}
