package io.streamgate.loadtest.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OrderSimulatorTest {
  private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

  private static List<OrderEvent> run(OrderSimulator sim, int events, Duration step) {
    List<OrderEvent> out = new ArrayList<>();
    Instant now = T0;
    for (int i = 0; i < events; i++) {
      out.add(sim.next(now));
      now = now.plus(step);
    }
    return out;
  }

  @Test
  void everyOrderMovesCreatedThenPaidThenShippedWithSameAttributes() {
    OrderSimulator sim = new OrderSimulator(OrderSimulator.Settings.defaults(), new Random(7), "run1");
    List<OrderEvent> events = run(sim, 5_000, Duration.ofMillis(50));

    Map<String, List<OrderEvent>> byOrder = new HashMap<>();
    events.forEach(e -> byOrder.computeIfAbsent(e.orderId(), k -> new ArrayList<>()).add(e));
    int shipped = 0;
    for (List<OrderEvent> lifecycle : byOrder.values()) {
      OrderEvent first = lifecycle.get(0);
      assertEquals(OrderStatus.CREATED, first.status(), "first event of " + first.orderId());
      for (int i = 1; i < lifecycle.size(); i++) {
        OrderEvent previous = lifecycle.get(i - 1);
        OrderEvent e = lifecycle.get(i);
        assertEquals(previous.status().next().orElseThrow(), e.status(), "step " + i + " of " + e.orderId());
        assertTrue(e.ts().isAfter(previous.ts()), "later status has a later ts");
        assertEquals(first.amount(), e.amount());
        assertEquals(first.userId(), e.userId());
        assertEquals(first.productId(), e.productId());
      }
      assertTrue(lifecycle.size() <= 3);
      if (lifecycle.size() == 3) {
        shipped++;
      }
    }
    // 250 s of simulated time, transitions after at most 8 s + 20 s: nearly all orders finish.
    assertTrue(shipped > byOrder.size() * 0.8, shipped + " of " + byOrder.size() + " shipped");
  }

  @Test
  void aboutAThirdOfASteadyStreamAreNewOrders() {
    OrderSimulator sim = new OrderSimulator(OrderSimulator.Settings.defaults(), new Random(11), "r");
    List<OrderEvent> events = run(sim, 20_000, Duration.ofMillis(50));
    long created = events.stream().filter(e -> e.status() == OrderStatus.CREATED).count();
    double share = created / (double) events.size();
    assertTrue(share > 0.30 && share < 0.40, "share of created events was " + share);
    assertEquals(created, sim.ordersCreated());
  }

  @Test
  void transitionsWaitForTheirDelay() {
    OrderSimulator.Settings settings = OrderSimulator.Settings.defaults().withFixedDelays(Duration.ofSeconds(5));
    OrderSimulator sim = new OrderSimulator(settings, new Random(1), "r");
    OrderEvent first = sim.next(T0);
    // Before the delay only new orders come out.
    OrderEvent second = sim.next(T0.plusSeconds(4));
    assertEquals(OrderStatus.CREATED, second.status());
    assertNotEquals(first.orderId(), second.orderId());
    OrderEvent third = sim.next(T0.plusSeconds(5));
    assertEquals(first.orderId(), third.orderId());
    assertEquals(OrderStatus.PAID, third.status());
    assertEquals(T0.plusSeconds(5), third.ts());
  }

  @Test
  void zeroDelaysGiveWholeLifecyclesBackToBack() {
    OrderSimulator sim = new OrderSimulator(
        OrderSimulator.Settings.defaults().withFixedDelays(Duration.ZERO), new Random(3), "r");
    List<OrderEvent> events = run(sim, 6, Duration.ZERO);
    assertEquals(List.of("o-r-1 created", "o-r-1 paid", "o-r-1 shipped", "o-r-2 created", "o-r-2 paid",
        "o-r-2 shipped"), events.stream().map(e -> e.orderId() + " " + e.status().wireName()).toList());
    assertEquals(0, sim.ordersInFlight());
  }

  @Test
  void sameSeedSameStream() {
    List<String> a = run(new OrderSimulator(OrderSimulator.Settings.defaults(), new Random(42), "x"), 500,
        Duration.ofMillis(100)).stream().map(OrderEvent::toJson).toList();
    List<String> b = run(new OrderSimulator(OrderSimulator.Settings.defaults(), new Random(42), "x"), 500,
        Duration.ofMillis(100)).stream().map(OrderEvent::toJson).toList();
    assertEquals(a, b);
  }

  @Test
  void idsStayWithinTheConfiguredPopulationAndHotOnesDominate() {
    OrderSimulator.Settings settings = OrderSimulator.Settings.defaults().withUsers(5).withProducts(3);
    List<OrderEvent> events = run(new OrderSimulator(settings, new Random(5), "r"), 3_000, Duration.ofMillis(50));
    Map<String, Integer> perUser = new HashMap<>();
    for (OrderEvent e : events) {
      assertTrue(e.userId().matches("user-00[1-5]"), e.userId());
      assertTrue(e.productId().matches("sku-000[1-3]"), e.productId());
      assertTrue(e.amount().signum() > 0);
      perUser.merge(e.userId(), 1, Integer::sum);
    }
    assertTrue(perUser.get("user-001") > perUser.get("user-005"), perUser.toString());
  }

  @Test
  void rejectsNonsenseSettings() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OrderSimulator.Settings.defaults().withUsers(0));
    assertEquals("users must be at least 1, but was 0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new OrderSimulator.Settings(1, 1,
        Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ZERO, Duration.ZERO));
  }
}
