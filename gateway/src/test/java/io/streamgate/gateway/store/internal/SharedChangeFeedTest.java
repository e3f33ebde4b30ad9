package io.streamgate.gateway.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.Change;
import io.streamgate.contract.Row;
import io.streamgate.contract.Tombstone;
import io.streamgate.gateway.store.ChangeFeed;
import io.streamgate.gateway.store.ChannelSubscription;
import io.streamgate.gateway.store.Subscriptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/** Called outside Vert.x here, so listeners run directly on the calling thread. */
class SharedChangeFeedTest {

  /** Records the real subscriptions asked for; the test plays Redis through the handlers. */
  static final class FakeStore implements Subscriptions {
    int opened;
    int closed;
    BiConsumer<String, String> onMessage;
    Handler<Void> onSubscribed;
    Handler<Void> onLost;

    @Override
    public ChannelSubscription subscribe(String channel, Handler<String> m, Handler<Void> s) {
      throw new AssertionError("not used");
    }

    @Override
    public ChannelSubscription psubscribe(String pattern, BiConsumer<String, String> m,
        Handler<Void> s,
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
    public void onChange(Change change, long viewVersion) {
      seen.add(change.key() + (change instanceof Tombstone ? " deleted" : "")
          + (viewVersion == 1 ? "" : " v" + viewVersion));
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

  /** A message of view {@code v}'s version 1 table, as Redis delivers it. */
  private static void publish(FakeStore store, String payload) {
    store.onMessage.accept("ns:changes:v", payload);
  }

  @Test
  void listenersShareOneSubscriptionAndEachGetsEveryRowAndState() {
    FakeStore store = new FakeStore();
    SharedChangeFeed feed = new SharedChangeFeed(store, "ns:changes:*");
    Recorder first = new Recorder();
    Recorder second = new Recorder();
    ChangeFeed.Registration a = feed.listen(null, first);
    store.onSubscribed.handle(null);
    publish(store, change("m1"));
    ChangeFeed.Registration b = feed.listen(null, second);
    assertEquals(1, store.opened, "one real PSUBSCRIBE");
    assertEquals(List.of("up"), second.seen, "a late listener is told it is subscribed at once");
    publish(store, change("m2"));
    store.onLost.handle(null);
    assertFalse(b.subscribed());
    store.onSubscribed.handle(null);
    assertTrue(a.subscribed());
    assertEquals(List.of("up", "m1", "m2", "down", "up"), first.seen);
    assertEquals(List.of("up", "m2", "down", "up"), second.seen);

    a.close();
    assertEquals(0, store.closed, "still one listener");
    publish(store, change("m3"));
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
    publish(store, "not json");
    publish(store, "{\"view\":\"v\"}");
    publish(store, change("k"));
    assertEquals(2, feed.malformed());
    assertEquals(List.of("k"), listener.seen);
  }

  @Test
  void deletesAndTheViewVersionOfTheChannelsTableReachListeners() {
    FakeStore store = new FakeStore();
    SharedChangeFeed feed = new SharedChangeFeed(store, "ns:changes:*");
    Recorder listener = new Recorder();
    feed.listen(null, listener);
    publish(store, new Tombstone("v", "gone", 2, 1).toJson());
    store.onMessage.accept("ns:changes:v.v3", change("k"));
    store.onMessage.accept("ns:changes:w", change("other view's channel"));
    store.onMessage.accept("ns:changes:v.x", change("not a table"));
    store.onMessage.accept("other:v", change("not our channel"));
    assertEquals(List.of("gone deleted", "k v3"), listener.seen);
    assertEquals(3, feed.malformed());
  }
}
