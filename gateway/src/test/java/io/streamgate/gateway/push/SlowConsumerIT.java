package io.streamgate.gateway.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.Row;
import io.streamgate.gateway.GatewayFixture;
import io.streamgate.gateway.Poll;
import io.streamgate.gateway.config.PushConfig;
import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that stops reading gets the newest state per key when it reads again (coalesced),
 * not a backlog; past the bound it is closed; a fast client on the same gateway gets every
 * update meanwhile. The slow clients are raw sockets with a 4 KiB receive buffer that simply
 * don't read, so the gateway's socket fills for real.
 */
class SlowConsumerIT {
  static final int MAX_PENDING = 20;
  static final int KEYS = 5;
  // Large rows, so the kernel's socket buffers (up to 4 MiB on loopback) fill quickly.
  static final String PAD = "x".repeat(64 * 1024);

  @TempDir static Path tempDir;
  static GatewayFixture fx;
  static String token;

  @BeforeAll
  static void start() {
    fx = GatewayFixture.start(tempDir, seed -> {
      seed.register("user_totals", "orders");
      seed.register("order_status", "status");
    // 1 MiB in flight per socket: a reading client absorbs bursts of 64 KiB rows uncoalesced.
    }, c -> c.withPush(new PushConfig(true, 10, 100, 16_384, 1 << 20, MAX_PENDING,
        PushConfig.DEFAULT_HEARTBEAT_MS)));
    token = fx.token("views:read");
  }

  @AfterAll
  static void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  static Row big(String view, String key, long version) {
    return new Row(view, key, version, System.currentTimeMillis(),
        "{\"n\":" + version + ",\"pad\":\"" + PAD + "\"}");
  }

  @Test
  void aSlowClientGetsTheNewestStatePerKeyWhileAFastOneGetsEveryUpdate() throws Exception {
    int rounds = 60;
    try (WsClient fast = WsClient.connect(fx.gateway.port(), token);
        Socket slow = PushIT.rawHandshake(fx.gateway.port(), token, 4096)) {
      String[] keys = new String[KEYS];
      for (int k = 0; k < KEYS; k++) {
        keys[k] = "k" + k;
      }
      fast.send(PushIT.subscribe("f", "user_totals", keys));
      PushIT.sendText(slow, PushIT.subscribe("s", "user_totals", keys).encode());
      assertEquals("subscribed", fast.next().getString("type"));

      // The fast client reads each round (320 KiB) before the next is written, so however
      // loaded the machine, it never has more in flight than its 1 MiB; the slow one reads
      // nothing, so its socket fills and its outbox coalesces.
      Map<String, Long> fastLast = new HashMap<>();
      for (long v = 1; v <= rounds; v++) {
        for (String key : keys) {
          fx.seeder().write(big("user_totals", key, v));
        }
        for (int i = 0; i < KEYS; i++) {
          JsonObject update = fast.next();
          assertEquals("update", update.getString("type"));
          long version = update.getLong("version");
          Long previous = fastLast.put(update.getString("key"), version);
          assertEquals(previous == null ? 1 : previous + 1, version, "every version, in order");
        }
      }

      // Now the slow client reads: in order per key, ending at the newest, far fewer messages.
      slow.setSoTimeout(10_000);
      DataInputStream in = new DataInputStream(slow.getInputStream());
      Map<String, Long> slowLast = new HashMap<>();
      int updates = 0;
      while (slowLast.size() < KEYS
          || slowLast.values().stream().anyMatch(v -> v < rounds)) {
        byte[] payload = nextTextFrame(in);
        JsonObject message = new JsonObject(new String(payload, StandardCharsets.UTF_8));
        if (!"update".equals(message.getString("type"))) {
          continue;
        }
        updates++;
        long version = message.getLong("version");
        Long previous = slowLast.put(message.getString("key"), version);
        assertTrue(previous == null || version > previous, "newer each time");
      }
      assertTrue(updates < rounds * KEYS / 2, "coalesced: " + updates + " messages for "
          + rounds * KEYS + " changes");
      String metrics = fx.metrics();
      assertTrue(metrics.contains("streamgate_push_coalesced_total{transport=\"ws\"}"), metrics);
    }
  }

  @Test
  void pastTheBoundTheSlowClientIsClosedAndTheFastOneIsUnaffected() throws Exception {
    try (WsClient fast = WsClient.connect(fx.gateway.port(), token);
        Socket slow = PushIT.rawHandshake(fx.gateway.port(), token, 4096)) {
      fast.send(PushIT.subscribe("f", "user_totals", "fast"));
      PushIT.sendText(slow, new JsonObject().put("op", "subscribe").put("id", "s")
          .put("view", "order_status").encode());
      assertEquals("subscribed", fast.next().getString("type"));
      // Distinct keys cannot coalesce: the slow client's queue grows past MAX_PENDING, while
      // the fast client's row changes in between.
      int keys = 200;
      for (int i = 0; i < keys; i++) {
        fx.seeder().write(big("order_status", "o" + i, 1));
        if (i % 10 == 9) {
          fx.seeder().write(PushIT.row("user_totals", "fast", i / 10 + 1));
        }
      }
      for (long v = 1; v <= keys / 10; v++) {
        assertEquals(v, fast.next().getLong("version"), "every update, in order");
      }
      Poll.until(Duration.ofSeconds(5), () -> fx.metrics(),
          m -> m.contains("streamgate_push_dropped_connections_total{reason=\"slow_consumer\","
              + "transport=\"ws\"} 1.0"), "the slow consumer (only) dropped");
      slow.setSoTimeout(10_000);
      List<int[]> frames = PushIT.readFramesUntilClose(slow.getInputStream());
      assertEquals(Push.CLOSE_SLOW_CONSUMER, frames.get(frames.size() - 1)[1]);
      // The fast client goes on.
      fx.seeder().write(PushIT.row("user_totals", "fast", 100));
      assertEquals(100, fast.next().getLong("version"));
    }
  }

  /** The payload of the next text message (its frames joined; pings skipped). */
  static byte[] nextTextFrame(DataInputStream in) throws Exception {
    java.io.ByteArrayOutputStream message = new java.io.ByteArrayOutputStream();
    boolean inMessage = false;
    while (true) {
      int first = in.readUnsignedByte();
      boolean fin = (first & 0x80) != 0;
      int opcode = first & 0x0f;
      long length = in.readUnsignedByte() & 0x7f;
      if (length == 126) {
        length = in.readUnsignedShort();
      } else if (length == 127) {
        length = in.readLong();
      }
      byte[] payload = new byte[(int) length];
      in.readFully(payload);
      if (opcode == 0x8) {
        throw new AssertionError("closed by the gateway");
      }
      if (opcode == 0x1 || (opcode == 0x0 && inMessage)) {
        message.write(payload);
        inMessage = !fin;
        if (fin) {
          return message.toByteArray();
        }
      }
    }
  }
}
