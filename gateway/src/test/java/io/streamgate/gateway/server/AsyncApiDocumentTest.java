package io.streamgate.gateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.CatalogEntry.Column;
import io.streamgate.contract.ViewKind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code /asyncapi.json} as {@link AsyncApiSchemas} builds it is a valid AsyncAPI 3.0.0 document
 * (against the specification's own JSON Schema), its messages listed where they belong.
 */
class AsyncApiDocumentTest {
  static final JsonObject BASE = new JsonObject(AsyncApiHandler.document());
  static final CatalogEntry ORDERS = new CatalogEntry("order_status", "", "orderId",
      ViewKind.LATEST, List.of(new Column("status", "string"), new Column("amount", "double")),
      null, 0, 1L);
  static final CatalogEntry TOTALS = new CatalogEntry("user_totals", "", "userId",
      ViewKind.AGGREGATE, List.of(new Column("total", "bigint")), "total", 0, 1L);

  private static OutputUnit validate(JsonObject doc) throws IOException {
    try (InputStream in = AsyncApiDocumentTest.class
        .getResourceAsStream("/asyncapi/asyncapi-3.0.0.schema.json")) {
      JsonObject schema = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      return Validator.create(JsonSchema.of(schema), new JsonSchemaOptions()
          .setDraft(Draft.DRAFT7).setBaseUri("app:///").setOutputFormat(OutputFormat.Basic))
          .validate(doc);
    }
  }

  @Test
  void theDocumentIsValidAsyncApi300WithAndWithoutViews() throws IOException {
    for (List<CatalogEntry> views : List.of(List.<CatalogEntry>of(), List.of(ORDERS, TOTALS))) {
      OutputUnit result = validate(AsyncApiSchemas.document(BASE, views));
      assertTrue(result.getValid(), "not AsyncAPI 3.0.0 with " + views.size() + " views: "
          + result.toJson().encodePrettily());
    }
  }

  @Test
  void theSpecificationsSchemaRefusesABrokenDocument() throws IOException {
    JsonObject broken = AsyncApiSchemas.document(BASE, List.of(ORDERS));
    broken.getJsonObject("operations").getJsonObject("wsMessages").put("action", "publish");
    assertFalse(validate(broken).getValid());
  }

  @Test
  void eachMessageIsListedInItsOperationAndChannel() {
    JsonObject doc = AsyncApiSchemas.document(BASE, List.of());
    JsonObject messages = doc.getJsonObject("components").getJsonObject("messages");
    int listed = 0;
    for (String op : doc.getJsonObject("operations").fieldNames()) {
      listed += doc.getJsonObject("operations").getJsonObject(op).getJsonArray("messages").size();
    }
    assertEquals(messages.size(), listed);
    // One entry is all a new message takes: here the index feature's enter.
    JsonObject withEnter = BASE.copy();
    withEnter.getJsonObject("components").getJsonObject("messages").put("enter",
        new JsonObject().put("name", "enter").put("x-streamgate-operation", "wsMessages")
            .put("payload", new JsonObject().put("type", "object")));
    JsonObject added = AsyncApiSchemas.document(withEnter, List.of());
    assertTrue(added.getJsonObject("channels").getJsonObject("ws").getJsonObject("messages")
        .containsKey("enter"));
    assertTrue(added.getJsonObject("operations").getJsonObject("wsMessages")
        .getJsonArray("messages").contains(new JsonObject()
            .put("$ref", "#/channels/ws/messages/enter")));
    // A message naming no operation is a broken jar, found at the first rendering.
    JsonObject orphan = BASE.copy();
    orphan.getJsonObject("components").getJsonObject("messages").put("lost",
        new JsonObject().put("payload", new JsonObject()));
    assertThrows(IllegalStateException.class, () -> AsyncApiSchemas.document(orphan, List.of()));
  }

  @Test
  void rowMessagesTypeTheirValuePerViewAndTheBaseIsNotModified() {
    JsonObject copy = BASE.copy();
    JsonObject doc = AsyncApiSchemas.document(BASE, List.of(ORDERS, TOTALS));
    assertEquals(copy, BASE);
    JsonObject schemas = doc.getJsonObject("components").getJsonObject("schemas");
    assertTrue(schemas.containsKey("OrderStatusValue") && schemas.containsKey("UserTotalsValue"));
    for (String message : List.of("snapshot", "update", "sseSnapshot", "sseUpdate")) {
      JsonArray byView = doc.getJsonObject("components").getJsonObject("messages")
          .getJsonObject(message).getJsonObject("payload").getJsonArray("allOf")
          .getJsonObject(1).getJsonArray("oneOf");
      assertEquals(2, byView.size(), message);
    }
    assertFalse(doc.getJsonObject("components").getJsonObject("messages")
        .getJsonObject("delete").getJsonObject("payload").containsKey("allOf"));
  }
}
