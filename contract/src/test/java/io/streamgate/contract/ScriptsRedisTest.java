package io.streamgate.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.CatalogEntry.Column;
import io.streamgate.harness.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisConnectionException;

/** The contract's scripts against a real redis-server. */
class ScriptsRedisTest {
  private static RedisServer redis;
  private final Keyspace keyspace = Keyspace.defaults();
  private Jedis jedis;
  private Subscriber subscriber;

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @BeforeEach
  void connect() throws InterruptedException {
    jedis = new Jedis(redis.host(), redis.port());
    jedis.flushAll();
    subscriber = Subscriber.start(redis, keyspace.changeChannel("v"), keyspace.catalogChannel());
  }

  @AfterEach
  void disconnect() {
    subscriber.close();
    jedis.close();
  }

  private long write(Row row, long ttlMillis) {
    return (Long) jedis.eval(Scripts.WRITE_ROW.source(),
        Scripts.writeRowKeys(keyspace, row), Scripts.writeRowArgs(keyspace, row, ttlMillis));
  }

  private static Row row(long version, String value) {
    return new Row("v", "k1", version, 1000 + version, value);
  }

  @Test
  void newerVersionIsAppliedWithItsChangeMessage() throws InterruptedException {
    assertEquals(1L, write(row(5, "{\"n\":5}"), 0));
    Map<String, String> stored = jedis.hgetAll(keyspace.row("v", "k1"));
    assertEquals(Map.of("version", "5", "updatedAt", "1005", "value", "{\"n\":5}"), stored);
    assertEquals(row(5, "{\"n\":5}").toJson(), subscriber.next());
  }

  @Test
  void olderOrEqualVersionIsIgnoredAndPublishesNothing() throws InterruptedException {
    write(row(5, "{\"n\":5}"), 0);
    subscriber.next();
    assertEquals(0L, write(row(5, "{\"n\":\"replayed\"}"), 0));
    assertEquals(0L, write(row(4, "{\"n\":4}"), 0));
    assertEquals("{\"n\":5}", jedis.hget(keyspace.row("v", "k1"), Row.FIELD_VALUE));
    assertEquals(1L, write(row(6, "{\"n\":6}"), 0));
    // The next message is version 6: nothing was published for the ignored writes.
    assertEquals(6, Row.fromJson(subscriber.next()).version());
  }

  @Test
  void everyAppliedWriteAndOnlyThoseAreAnnouncedUnderConcurrentWriters() throws Exception {
    int writers = 4;
    int writesEach = 300;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    List<Future<Long>> applied = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      applied.add(pool.submit(() -> {
        long count = 0;
        try (Jedis own = new Jedis(redis.host(), redis.port())) {
          for (int i = 0; i < writesEach; i++) {
            Row r = row(ThreadLocalRandom.current().nextLong(1, 2_000), "{\"w\":1}");
            count += (Long) own.eval(Scripts.WRITE_ROW.source(),
                Scripts.writeRowKeys(keyspace, r), Scripts.writeRowArgs(keyspace, r, 0));
          }
        }
        return count;
      }));
    }
    long appliedTotal = 0;
    for (Future<Long> f : applied) {
      appliedTotal += f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    long stored = Long.parseLong(jedis.hget(keyspace.row("v", "k1"), Row.FIELD_VERSION));
    long previous = 0;
    for (long i = 0; i < appliedTotal; i++) {
      long version = Row.fromJson(subscriber.next()).version();
      assertTrue(version > previous, "versions in messages must only grow: " + version);
      previous = version;
    }
    assertEquals(stored, previous, "the last message carries the stored version");
    assertNull(subscriber.poll(Duration.ofMillis(200)), "no message without an applied write");
  }

  @Test
  void ttlIsSetForExpiringRowsAndClearedOtherwise() {
    write(row(1, "{}"), 60_000);
    long ttl = jedis.pttl(keyspace.row("v", "k1"));
    assertTrue(ttl > 50_000 && ttl <= 60_000, "pttl " + ttl);
    write(row(2, "{}"), 0);
    assertEquals(-1L, jedis.pttl(keyspace.row("v", "k1")));
  }

  @Test
  void indexKeepsKeysForPagingAndRankOnlyFromNewerVersions() {
    String view = "rv";
    index(view, new Row(view, "b", 3, 0, "{}"), 10.0);
    index(view, new Row(view, "a", 3, 0, "{}"), 20.0);
    index(view, new Row(view, "c", 3, 0, "{}"), null);
    index(view, new Row(view, "b", 2, 0, "{}"), 99.0); // older: rank must not move
    assertEquals(List.of("a", "b", "c"), jedis.zrange(keyspace.keysIndex(view), 0, -1));
    assertEquals(List.of("a", "b"), jedis.zrevrange(keyspace.rankIndex(view), 0, -1));
    assertEquals(10.0, jedis.zscore(keyspace.rankIndex(view), "b"));
    index(view, new Row(view, "b", 4, 0, "{}"), 30.0);
    assertEquals(List.of("b", "a"), jedis.zrevrange(keyspace.rankIndex(view), 0, -1));
  }

  private long index(String view, Row row, Double rank) {
    return (Long) jedis.eval(Scripts.INDEX_ROW.source(),
        Scripts.indexRowKeys(keyspace, view), Scripts.indexRowArgs(row, rank));
  }

  @Test
  void indexIgnoresOlderVersionsForPagingToo() {
    String view = "pv";
    index(view, new Row(view, "a", 5, 0, "{}"), null);
    assertEquals(0L, index(view, new Row(view, "a", 5, 0, "{}"), null));
    assertEquals(1L, index(view, new Row(view, "a", 6, 0, "{}"), null));
    assertEquals(List.of("a"), jedis.zrange(keyspace.keysIndex(view), 0, -1));
  }

  @Test
  void aRankThatBecomesNullLeavesTheRankSet() {
    String view = "rv";
    index(view, new Row(view, "a", 1, 0, "{}"), 5.0);
    index(view, new Row(view, "a", 2, 0, "{}"), null);
    assertEquals(List.of(), jedis.zrange(keyspace.rankIndex(view), 0, -1));
    assertEquals(List.of("a"), jedis.zrange(keyspace.keysIndex(view), 0, -1));
  }

  @Test
  void deleteLeavesATombstoneThatExpiresAndPublishesADeleteMessage() throws InterruptedException {
    write(row(3, "{\"n\":3}"), 0);
    subscriber.next();
    Tombstone deleted = new Tombstone("v", "k1", 4, 2000);
    assertEquals(1L, delete(deleted, 60_000));
    assertEquals(Map.of("version", "4", "updatedAt", "2000", "deleted", "1"),
        jedis.hgetAll(keyspace.row("v", "k1")));
    long ttl = jedis.pttl(keyspace.row("v", "k1"));
    assertTrue(ttl > 50_000 && ttl <= 60_000, "tombstone pttl " + ttl);
    String message = subscriber.next();
    assertEquals(deleted.toJson(), message);
    assertEquals(deleted, Change.fromJson(message));
  }

  @Test
  void aWriteOlderThanTheDeleteCannotBringTheRowBack() throws InterruptedException {
    write(row(3, "{}"), 0);
    delete(new Tombstone("v", "k1", 5, 2000), 60_000);
    subscriber.next();
    subscriber.next();
    assertEquals(0L, write(row(4, "{\"late\":true}"), 0), "older than the delete");
    assertEquals(0L, delete(new Tombstone("v", "k1", 5, 2000), 60_000), "replayed delete");
    assertNull(jedis.hget(keyspace.row("v", "k1"), Row.FIELD_VALUE));
    assertNull(subscriber.poll(Duration.ofMillis(200)), "ignored changes publish nothing");
    assertEquals(1L, write(row(6, "{\"back\":true}"), 0));
    assertEquals(Map.of("version", "6", "updatedAt", "1006", "value", "{\"back\":true}"),
        jedis.hgetAll(keyspace.row("v", "k1")), "a newer write replaces the tombstone whole");
    assertEquals(-1L, jedis.pttl(keyspace.row("v", "k1")), "and lives for ever again");
  }

  @Test
  void deleteOlderThanTheRowIsIgnored() {
    write(row(7, "{}"), 0);
    assertEquals(0L, delete(new Tombstone("v", "k1", 6, 2000), 60_000));
    assertEquals("{}", jedis.hget(keyspace.row("v", "k1"), Row.FIELD_VALUE));
  }

  @Test
  void unindexRemovesPagingAndRankEntriesAndBlocksOlderIndexCalls() {
    String view = "rv";
    index(view, new Row(view, "a", 1, 0, "{}"), 5.0);
    index(view, new Row(view, "b", 1, 0, "{}"), 6.0);
    assertEquals(1L, unindex(view, new Tombstone(view, "a", 2, 10_000), 60_000));
    assertEquals(List.of("b"), jedis.zrange(keyspace.keysIndex(view), 0, -1));
    assertEquals(List.of("b"), jedis.zrange(keyspace.rankIndex(view), 0, -1));
    assertEquals(0L, index(view, new Row(view, "a", 1, 0, "{}"), 5.0), "replayed older index");
    assertEquals(0L, unindex(view, new Tombstone(view, "a", 2, 10_000), 60_000), "replayed");
    assertEquals(List.of("b"), jedis.zrange(keyspace.keysIndex(view), 0, -1));
    assertEquals(1L, index(view, new Row(view, "a", 3, 0, "{}"), 7.0), "newer write re-adds");
    assertEquals(List.of("a", "b"), jedis.zrange(keyspace.keysIndex(view), 0, -1));
    assertEquals(0L, jedis.zcard(keyspace.deletedIndex(view)), "no longer a deleted key");
  }

  @Test
  void rememberedDeleteVersionsAreForgottenAfterTheRetention() {
    String view = "dv";
    long retention = 60_000;
    unindex(view, new Tombstone(view, "old", 2, 1_000), retention);
    unindex(view, new Tombstone(view, "recent", 2, 50_000), retention);
    assertEquals(2L, jedis.hlen(keyspace.indexVersions(view)));
    // A delete past the retention of "old" (but not of "recent") purges the former.
    unindex(view, new Tombstone(view, "now", 2, 1_000 + retention + 1), retention);
    assertNull(jedis.hget(keyspace.indexVersions(view), "old"));
    assertEquals("2", jedis.hget(keyspace.indexVersions(view), "recent"));
    assertEquals(List.of("recent", "now"), jedis.zrange(keyspace.deletedIndex(view), 0, -1));
  }

  private long delete(Tombstone tombstone, long retentionMillis) {
    return (Long) jedis.eval(Scripts.DELETE_ROW.source(),
        Scripts.deleteRowKeys(keyspace, "v", tombstone),
        Scripts.deleteRowArgs(keyspace, "v", tombstone, retentionMillis));
  }

  private long unindex(String view, Tombstone tombstone, long retentionMillis) {
    return (Long) jedis.eval(Scripts.UNINDEX_ROW.source(), Scripts.indexRowKeys(keyspace, view),
        Scripts.unindexRowArgs(keyspace, view, tombstone, retentionMillis));
  }

  @Test
  void aLaterVersionOfAViewIsATableOfItsOwnWhoseMessagesNameTheView() throws Exception {
    String table = Names.table("v", 2);
    try (Subscriber v2 = Subscriber.start(redis, keyspace.changeChannel(table))) {
      Row row = new Row("v", "k1", 1, 7, "{\"n\":2}");
      assertEquals(1L, (Long) jedis.eval(Scripts.WRITE_ROW.source(),
          Scripts.writeRowKeys(keyspace, table, row),
          Scripts.writeRowArgs(keyspace, table, row, 0)));
      assertEquals(row.toJson(), v2.next(), "the message names the view, not the table");
      assertEquals("{\"n\":2}", jedis.hget(keyspace.row(table, "k1"), Row.FIELD_VALUE));
      assertNull(jedis.hget(keyspace.row("v", "k1"), Row.FIELD_VALUE), "version 1 untouched");
      assertNull(subscriber.poll(Duration.ofMillis(200)), "nothing on version 1's channel");
    }
  }

  @Test
  void registeringAViewStoresItsEntryAndAnnouncesOnlyChanges() throws InterruptedException {
    CatalogEntry entry = new CatalogEntry("v", "d", "id", ViewKind.LATEST,
        List.of(new Column("status", "string")), null, 0, 1);
    assertEquals(1L, register(entry));
    assertEquals("v", subscriber.next());
    assertEquals(0L, register(entry));
    assertEquals(entry, CatalogEntry.fromJson(jedis.hget(keyspace.catalog(), "v")));
    assertNull(subscriber.poll(Duration.ofMillis(200)));
  }

  @Test
  void unregisteringAViewRemovesItsEntryAndAnnouncesIt() throws InterruptedException {
    CatalogEntry entry = new CatalogEntry("v", "d", "id", ViewKind.LATEST, List.of(), null, 0, 1);
    register(entry);
    subscriber.next();
    assertEquals(1L, unregister("v"));
    assertEquals("v", subscriber.next());
    assertNull(jedis.hget(keyspace.catalog(), "v"));
    assertEquals(0L, unregister("v"));
    assertNull(subscriber.poll(Duration.ofMillis(200)), "nothing to announce the second time");
  }

  private long unregister(String view) {
    return (Long) jedis.eval(Scripts.UNREGISTER_VIEW.source(),
        Scripts.registerViewKeys(keyspace), Scripts.unregisterViewArgs(keyspace, view));
  }

  private long register(CatalogEntry entry) {
    return (Long) jedis.eval(Scripts.REGISTER_VIEW.source(),
        Scripts.registerViewKeys(keyspace), Scripts.registerViewArgs(keyspace, entry));
  }

  @Test
  void deltasFoldEachEventOnceByPartitionAndOffset() {
    List<Scripts.Fold> sumAndCount = List.of(Scripts.Fold.ADD, Scripts.Fold.ADD);
    assertEquals(List.of(3L, "3", 0L, "3", "12.75"), fold(sumAndCount,
        delta(0, 1, "1", "10.5"), delta(0, 2, "1", "2.25"), delta(1, 7, "1", null)));
    // A replay (after a crash) of what was folded in changes nothing, but says the state.
    assertEquals(List.of(0L, "3", 0L, "3", "12.75"), fold(sumAndCount,
        delta(0, 1, "1", "10.5"), delta(0, 2, "1", "2.25"), delta(1, 7, "1", null)));
    // Partitions are apart: offset 3 of partition 1 is old there, of partition 0 new.
    assertEquals(List.of(1L, "4", 0L, "4", "12.85"), fold(sumAndCount,
        delta(1, 3, "1", "99"), delta(0, 3, "1", "0.1")));
    // Sums keep every bit of a double: its text reads back as the same double.
    assertEquals(List.of(2L, "2", 0L, "2", "0.30000000000000004"), foldInto("p", sumAndCount,
        delta(0, 1, "1", "0.1"), delta(0, 2, "1", "0.2")));
    // The state lives beside the row's fields, which it leaves alone.
    assertEquals(java.util.Arrays.asList(null, null),
        jedis.hmget(keyspace.row("v", "k"), "version", "value"));

    List<Scripts.Fold> minMax = List.of(Scripts.Fold.MIN, Scripts.Fold.MAX);
    assertEquals(List.of(0L, "0", 0L, "", ""), foldInto("m", minMax));
    assertEquals(List.of(3L, "3", 0L, "-2", "7.5"), foldInto("m", minMax,
        delta(0, 1, "5", "5"), delta(0, 2, "-2", null), delta(0, 3, "7", "7.5")));
  }

  /**
   * A writer that knows the row's state predicts the fold with {@link Scripts.Fold#apply} and has
   * the row written in the same call; the script writes it only where the prediction holds.
   */
  @Test
  void aPredictedFoldWritesTheRowInTheSameCallOnlyWhenThePredictionHolds() throws Exception {
    List<Scripts.Fold> folds = List.of(Scripts.Fold.ADD, Scripts.Fold.ADD, Scripts.Fold.MAX);
    Scripts.Folded first = Scripts.Folded.of(foldInto("p1", folds, delta(0, 1, "1", "0.1", "5")));
    assertEquals(new Scripts.Folded(1, 1, false, List.of("1", "0.10000000000000001", "5")), first);

    // Predicted from the returned state, as a writer does: Java's doubles are Lua's.
    List<Double> predicted = new java.util.ArrayList<>();
    double[] next = {1, 0.2, 3};
    for (int i = 0; i < folds.size(); i++) {
      predicted.add(folds.get(i).apply(Double.parseDouble(first.partials().get(i)), next[i]));
    }
    assertEquals(List.of(2.0, 0.30000000000000004, 5.0), predicted);
    Row row = new Row("v", "p1", 2, 1_000L, "{\"n\":2,\"total\":0.3}");
    Scripts.Folded second = predictedFold("p1", folds, predicted, row, delta(0, 2, "1", "0.2", "3"));
    assertEquals(new Scripts.Folded(1, 2, true, List.of("2", "0.30000000000000004", "5")), second);
    assertEquals(List.of("2", "{\"n\":2,\"total\":0.3}"), jedis.hmget(keyspace.row("v", "p1"), "version", "value"));
    assertEquals(row.toJson(), subscriber.next());

    // A partial other than predicted (another writer got there first): folded, not written.
    Row third = new Row("v", "p1", 3, 2_000L, "{\"n\":3}");
    assertEquals(new Scripts.Folded(1, 3, false, List.of("3", "0.5", "6")),
        predictedFold("p1", folds, List.of(3.0, 0.5, 5.0), third, delta(0, 3, "1", "0.2", "6")));
    assertEquals("2", jedis.hget(keyspace.row("v", "p1"), "version"));
    // A replayed event among them (not folded again): not written either, though the rest holds.
    Row fourth = new Row("v", "p1", 5, 3_000L, "{\"n\":5}");
    assertEquals(new Scripts.Folded(1, 4, false, List.of("4", "1.5", "6")),
        predictedFold("p1", folds, List.of(5.0, 2.5, 6.0), fourth, delta(0, 3, "1", "0.2", "6"),
            delta(0, 4, "1", "1", "1")));
    assertEquals("2", jedis.hget(keyspace.row("v", "p1"), "version"));
    // Right again: written, with its own version.
    Row fifth = new Row("v", "p1", 5, 4_000L, "{\"n\":5}");
    assertEquals(new Scripts.Folded(1, 5, true, List.of("5", "1.5", "6")),
        predictedFold("p1", folds, List.of(5.0, 1.5, 6.0), fifth, delta(0, 5, "1", "0", null)));
    assertEquals(List.of("5", "{\"n\":5}"), jedis.hmget(keyspace.row("v", "p1"), "version", "value"));
    assertEquals(fifth.toJson(), subscriber.next());
    assertThrows(IllegalArgumentException.class, () -> Scripts.applyDeltasArgs(folds, List.of(),
        List.of(1.0), keyspace, "v", new Row("v", "p1", 1, 1L, "{}"), 0), "one predicted partial per fold");
  }

  private Scripts.Folded predictedFold(String key, List<Scripts.Fold> folds, List<Double> partials,
      Row row, Scripts.Delta... events) {
    return Scripts.Folded.of((List<?>) jedis.eval(Scripts.APPLY_DELTAS.source(),
        Scripts.applyDeltasKeys(keyspace, "v", key),
        Scripts.applyDeltasArgs(folds, List.of(events), partials, keyspace, "v", row, 0)));
  }

  private List<Object> fold(List<Scripts.Fold> folds, Scripts.Delta... events) {
    return foldInto("k", folds, events);
  }

  @SuppressWarnings("unchecked")
  private List<Object> foldInto(String key, List<Scripts.Fold> folds, Scripts.Delta... events) {
    return (List<Object>) jedis.eval(Scripts.APPLY_DELTAS.source(),
        Scripts.applyDeltasKeys(keyspace, "v", key), Scripts.applyDeltasArgs(folds, List.of(events)));
  }

  private static Scripts.Delta delta(int partition, long offset, String... values) {
    return new Scripts.Delta(partition, offset, java.util.Arrays.asList(values));
  }

  @Test
  void evalshaUsesTheShaComputedInJava() {
    assertEquals(Scripts.WRITE_ROW.sha1(), jedis.scriptLoad(Scripts.WRITE_ROW.source()));
    assertEquals(Scripts.INDEX_ROW.sha1(), jedis.scriptLoad(Scripts.INDEX_ROW.source()));
    assertEquals(Scripts.REGISTER_VIEW.sha1(), jedis.scriptLoad(Scripts.REGISTER_VIEW.source()));
    assertEquals(Scripts.DELETE_ROW.sha1(), jedis.scriptLoad(Scripts.DELETE_ROW.source()));
    assertEquals(Scripts.UNINDEX_ROW.sha1(), jedis.scriptLoad(Scripts.UNINDEX_ROW.source()));
    assertEquals(Scripts.APPLY_DELTAS.sha1(), jedis.scriptLoad(Scripts.APPLY_DELTAS.source()));
  }

  /** Collects messages of some channels on its own connection and thread. */
  static final class Subscriber extends JedisPubSub implements AutoCloseable {
    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final Jedis connection;
    private final Thread thread;
    private final CountDownLatch subscribed;

    private Subscriber(RedisServer redis, String... channels) {
      connection = new Jedis(redis.host(), redis.port());
      subscribed = new CountDownLatch(channels.length);
      thread = new Thread(() -> {
        try {
          connection.subscribe(this, channels);
        } catch (JedisConnectionException e) {
          // close() closed the connection under the subscription: the test is over
        }
      }, "test-subscriber");
      thread.setDaemon(true);
    }

    static Subscriber start(RedisServer redis, String... channels) throws InterruptedException {
      Subscriber s = new Subscriber(redis, channels);
      s.thread.start();
      assertTrue(s.subscribed.await(10, TimeUnit.SECONDS), "subscription not confirmed");
      return s;
    }

    @Override
    public void onSubscribe(String channel, int count) {
      subscribed.countDown();
    }

    @Override
    public void onMessage(String channel, String message) {
      messages.add(message);
    }

    String next() throws InterruptedException {
      String message = poll(Duration.ofSeconds(5));
      assertTrue(message != null, "no change message within 5 s");
      return message;
    }

    String poll(Duration timeout) throws InterruptedException {
      return messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
      if (isSubscribed()) {
        unsubscribe();
      }
      connection.close();
    }
  }
}
