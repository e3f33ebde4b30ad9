package io.streamgate.processor.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.Keyspace;
import io.streamgate.harness.RedisServer;
import io.streamgate.processor.runner.ViewCheckpoints.Match;
import io.streamgate.processor.sink.RedisConnections;
import io.streamgate.processor.sink.ViewVersions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** Checkpoint ids against a real redis-server and a local checkpoint directory. */
class ViewCheckpointsTest {
  private static final Keyspace KEYS = new Keyspace("cp");
  private static RedisServer redis;

  @TempDir Path dir;
  private ViewCheckpoints checkpoints;

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() {
    RedisConnections.closeAll();
    redis.close();
  }

  @BeforeEach
  void setUp() {
    try (Jedis jedis = jedis()) {
      jedis.flushAll();
    }
    checkpoints = new ViewCheckpoints(new Configuration(), new ProcessorSettings(
        Path.of("p.yaml"), "127.0.0.1:9092", redis.uri(), "cp", dir.toString(), "local[1]",
        Map.of()));
  }

  @Test
  void matchOfTheTwoIds() {
    assertEquals(Match.NEW, Match.of(null, null));
    assertEquals(Match.SAME, Match.of("a", "a"));
    assertEquals(Match.REDIS_EMPTY, Match.of("a", null));
    assertEquals(Match.OTHER, Match.of(null, "a"));
    assertEquals(Match.OTHER, Match.of("b", "a"));
  }

  @Test
  void aNewViewGetsOneIdOnBothSidesAndThenContinues() throws Exception {
    checkpoints.check(List.of("v"));
    String id = Files.readString(dir.resolve("v").resolve(ViewCheckpoints.ID_FILE)).strip();
    assertEquals(id, ViewVersions.checkpointId(redis.uri(), KEYS, "v"));
    checkpoints.check(List.of("v"));
    assertEquals(id, ViewVersions.checkpointId(redis.uri(), KEYS, "v"));
  }

  @Test
  void aLostCheckpointIsRefusedInOneLineNamingTheReset() throws Exception {
    checkpoints.check(List.of("v", "w"));
    String id = ViewVersions.checkpointId(redis.uri(), KEYS, "v");
    deleteTree(dir.resolve("v"));
    CheckpointMismatchException e =
        assertThrows(CheckpointMismatchException.class, () -> checkpoints.check(List.of("v", "w")));
    assertEquals(List.of("view v: its checkpoint (" + dir.resolve("v") + ") is new but Redis"
        + " holds rows written from an earlier checkpoint (id " + id + "); every write would be"
        + " ignored as not newer. Restore the checkpoint, or restart with --reset-view v to clear"
        + " the view's rows and versions."), e.problems());
    assertFalse(Files.exists(dir.resolve("v").resolve(ViewCheckpoints.ID_FILE)),
        "a refused view's new checkpoint gets no id");
  }

  @Test
  void anotherCheckpointIsRefusedToo() throws Exception {
    checkpoints.check(List.of("v"));
    Files.writeString(dir.resolve("v").resolve(ViewCheckpoints.ID_FILE), "other\n");
    CheckpointMismatchException e =
        assertThrows(CheckpointMismatchException.class, () -> checkpoints.check(List.of("v")));
    assertTrue(e.problems().get(0).contains("id other) is not the one Redis holds rows from"),
        e.getMessage());
  }

  @Test
  void aFlushedRedisTakesTheCheckpointsId() throws Exception {
    checkpoints.check(List.of("v"));
    String id = ViewVersions.checkpointId(redis.uri(), KEYS, "v");
    try (Jedis jedis = jedis()) {
      jedis.flushAll();
    }
    checkpoints.check(List.of("v"));
    assertEquals(id, ViewVersions.checkpointId(redis.uri(), KEYS, "v"));
  }

  @Test
  void resetClearsTheViewsRowsIndexesAndCheckpointAndNothingElse() throws Exception {
    checkpoints.check(List.of("v"));
    Files.writeString(dir.resolve("v").resolve("commits"), "spark state");
    try (Jedis jedis = jedis()) {
      for (int i = 0; i < 2500; i++) { // more than one DEL chunk
        jedis.hset(KEYS.row("v", "k" + i), "version", "9");
      }
      jedis.zadd(KEYS.keysIndex("v"), 0, "k1");
      jedis.zadd(KEYS.rankIndex("v"), 3, "k1");
      jedis.hset(KEYS.indexVersions("v"), "k1", "9");
      jedis.zadd(KEYS.deletedIndex("v"), 5, "k2");
      jedis.hset(KEYS.row("vv", "k1"), "version", "9"); // a view whose name extends v's
      jedis.hset(KEYS.catalog(), "v", "{}");
    }
    checkpoints.reset("v");
    assertFalse(Files.exists(dir.resolve("v")));
    try (Jedis jedis = jedis()) {
      assertEquals(java.util.Set.of(KEYS.row("vv", "k1"), KEYS.catalog()), jedis.keys("*"));
    }
    checkpoints.check(List.of("v"));
    assertNotNull(ViewVersions.checkpointId(redis.uri(), KEYS, "v"), "starts over with a new id");
  }

  private static Jedis jedis() {
    return new Jedis(java.net.URI.create(redis.uri()));
  }

  private static void deleteTree(Path root) throws Exception {
    try (var paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
