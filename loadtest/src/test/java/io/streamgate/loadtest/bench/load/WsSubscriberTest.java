package io.streamgate.loadtest.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class WsSubscriberTest {
  @Test
  void subscribeMessageFollowsTheProtocol() {
    assertEquals("{\"op\":\"subscribe\",\"id\":\"s1\",\"view\":\"v\",\"keys\":[\"k1\",\"k2\"]}",
        WsSubscriber.subscribeMessage("s1", "v", List.of("k1", "k2")));
  }

  @Test
  void keysGoInChunksTheGatewayAccepts() {
    assertEquals(1, WsSubscriber.chunks(0));
    assertEquals(1, WsSubscriber.chunks(100));
    assertEquals(2, WsSubscriber.chunks(101));
    assertEquals(10, WsSubscriber.chunks(1000));
  }

  @Test
  void parsesUpdatesSnapshotsAndGarbage() {
    WsSubscriber.Message m = WsSubscriber.parse("{\"type\":\"update\",\"id\":\"s1\",\"view\":\"v\",\"key\":\"k1\","
        + "\"version\":42,\"updatedAt\":1700000000000,\"value\":{\"n\":1}}", 5, 6);
    assertEquals("update", m.type());
    assertEquals("k1", m.key());
    assertEquals(42, m.version());
    assertEquals(1_700_000_000_000L, m.updatedAt());
    assertEquals(5, m.receivedNanos());
    WsSubscriber.Message snapshot = WsSubscriber.parse("{\"type\":\"snapshot\",\"key\":\"k\",\"value\":null}", 0, 0);
    assertEquals("snapshot", snapshot.type());
    assertEquals(0, snapshot.version());
    assertEquals("invalid", WsSubscriber.parse("not json", 0, 0).type());
  }
}
