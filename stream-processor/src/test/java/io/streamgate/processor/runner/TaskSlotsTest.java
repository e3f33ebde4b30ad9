package io.streamgate.processor.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.processor.pipeline.Pipeline;
import io.streamgate.processor.pipeline.PipelineParser;
import io.streamgate.processor.view.ViewPlan;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TaskSlotsTest {
  private static final Pipeline PIPELINE = PipelineParser.parse("test.yaml", """
      sources:
        orders: { topic: orders, schema: "orderId STRING, status STRING" }
        payments: { topic: payments, schema: "orderId STRING, amount DOUBLE" }
      views:
        rt_status: { key: orderId, sql: "SELECT orderId, status FROM orders", kind: latest, trigger: realtime }
        rt_paid: { key: orderId, sql: "SELECT orderId, amount FROM payments", kind: latest, trigger: realtime }
        batch_status: { key: orderId, sql: "SELECT orderId, status FROM orders", kind: latest }
      """);
  /** orders has 2 partitions, payments 3. */
  private final TaskSlots slots = new TaskSlots(PIPELINE.sources(),
      source -> Map.of("orders", 2, "payments", 3).get(source.topic()));

  private static ViewPlan plan(String view, String source) {
    return new ViewPlan(PIPELINE.views().get(view), null, null, List.of(), null, null, Set.of(source),
        List.of(), null);
  }

  @Test
  void aRealTimeViewHoldsOneSlotPerPartitionOfItsSources() {
    assertEquals(2, slots.held(plan("rt_status", "orders")));
    assertEquals(3, slots.held(plan("rt_paid", "payments")));
    assertEquals(0, slots.held(plan("batch_status", "orders")), "micro-batch views hold no slot");
    assertEquals(5, slots.held(List.of(plan("rt_status", "orders"), plan("rt_paid", "payments"),
        plan("batch_status", "orders"))));
  }

  @Test
  void aRealTimeViewStartsOnlyWithASlotLeftForTheMicroBatchQueries() {
    ViewPlan status = plan("rt_status", "orders");
    assertNull(slots.shortage(status, List.of(), 3), "2 partitions + 1 micro-batch slot");
    assertNull(slots.shortage(plan("batch_status", "orders"), List.of(status), 1),
        "a micro-batch view needs no slot of its own");
    String refused = slots.shortage(plan("rt_paid", "payments"), List.of(status), 5);
    assertTrue(refused.contains("real-time view rt_paid holds 3 task slot(s)"), refused);
    assertTrue(refused.contains("it needs 6 slots, but Spark has 5"), refused);
    assertTrue(refused.contains("--master local[6]"), refused);
    assertNull(slots.shortage(plan("rt_paid", "payments"), List.of(status), 6));
  }
}
