package io.streamgate.contract.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.control.ControlReply.Outcome;
import io.streamgate.contract.control.ControlReply.ViewResult;
import io.streamgate.contract.control.ViewStatus.State;
import io.streamgate.contract.control.ViewStatus.VersionStatus;
import io.streamgate.contract.json.JsonException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ControlMessagesTest {

  @Test
  void requestsRoundTripWithTheirBody() {
    ControlRequest request = new ControlRequest("r-1", ControlRequest.Op.APPLY, "alice",
        "10.0.0.7", 42, 60_042, Map.of("pipeline", Map.of("views", Map.of()), "dryRun", true));
    assertEquals(request, ControlRequest.fromJson(request.toJson()));
    assertTrue(!request.expired(60_042) && request.expired(60_043));
  }

  @Test
  void requestsWithoutIdOrWithUnknownOpsAreRefusedByName() {
    JsonException e = assertThrows(JsonException.class,
        () -> ControlRequest.fromJson("{\"id\":\"x\",\"op\":\"explode\"}"));
    assertTrue(e.getMessage().contains("apply, drop, preview"), e.getMessage());
    assertThrows(JsonException.class, () -> ControlRequest.fromJson("{\"op\":\"drop\"}"));
  }

  @Test
  void repliesRoundTripAndPrintOneLinePerView() {
    ControlReply reply = new ControlReply("r-1", true, null, List.of(
        new ViewResult("user_totals", Outcome.ALTERED, 2, "v2 backfilling"),
        new ViewResult("order_status", Outcome.UNCHANGED, 1, "")), null);
    assertEquals(reply, ControlReply.fromJson(reply.toJson()));
    assertEquals("user_totals: altered → v2 backfilling", reply.results().get(0).line());
    assertEquals("order_status: unchanged", reply.results().get(1).line());
    ControlReply refused = ControlReply.refused("r-2", "views.x.sql: no such column y");
    assertEquals(refused, ControlReply.fromJson(refused.toJson()));
  }

  @Test
  void statusRoundTripsAndDescribesEachState() {
    ViewStatus status = new ViewStatus("user_totals", 1, List.of(
        new VersionStatus(1, State.LIVE, 1, 0, 100, 5, ""),
        new VersionStatus(2, State.BACKFILLING, 0.634, 36_600, 40, 3, "")), 9);
    assertEquals(status, ViewStatus.fromJson(status.toJson()));
    assertEquals("live", status.versions().get(0).describe());
    assertEquals("backfilling 63 %", status.versions().get(1).describe());
    assertEquals("failed: boom",
        new VersionStatus(3, State.FAILED, 0, -1, -1, 0, "boom").describe());
  }
}
