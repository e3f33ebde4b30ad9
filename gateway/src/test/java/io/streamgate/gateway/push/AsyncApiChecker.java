package io.streamgate.gateway.push;

import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;

/**
 * Checks a message against the payload schema {@code /asyncapi.json} gives it, with a real JSON
 * Schema validator (vertx-json-schema, draft 7: AsyncAPI 3.0's default schema format is a
 * superset of it). A message is found by its operation and name (a WebSocket message's
 * {@code type} or {@code op}, an SSE event's name), as a client reading the document would.
 */
final class AsyncApiChecker {
  private static final String BASE = "app:///asyncapi.json";

  private final JsonObject doc;
  private final SchemaRepository repository;
  private final JsonSchemaOptions options = new JsonSchemaOptions().setDraft(Draft.DRAFT7)
      .setBaseUri("app:///").setOutputFormat(OutputFormat.Basic);

  AsyncApiChecker(JsonObject doc) {
    this.doc = doc;
    this.repository = SchemaRepository.create(options);
    repository.dereference(BASE, JsonSchema.of(doc.copy()));
  }

  /** The id (in components.messages) of the message named {@code name} in {@code operation}. */
  String messageId(String operation, String name) {
    JsonObject op = doc.getJsonObject("operations").getJsonObject(operation);
    for (Object ref : op.getJsonArray("messages")) {
      String channelRef = ((JsonObject) ref).getString("$ref");
      String id = channelRef.substring(channelRef.lastIndexOf('/') + 1);
      if (name.equals(doc.getJsonObject("components").getJsonObject("messages")
          .getJsonObject(id).getString("name"))) {
        return id;
      }
    }
    throw new AssertionError("operation " + operation + " of /asyncapi.json has no message '"
        + name + "'");
  }

  /** The validation of {@code payload} against the message's payload schema. */
  OutputUnit check(String operation, String name, JsonObject payload) {
    String id = messageId(operation, name);
    return repository.validator(JsonSchema.of(new JsonObject()
        .put("$ref", BASE + "#/components/messages/" + id + "/payload")), options)
        .validate(payload);
  }

  /** Fails naming the message and what the schema refused. */
  void assertFits(String operation, String name, JsonObject payload) {
    OutputUnit result = check(operation, name, payload);
    if (!result.getValid()) {
      throw new AssertionError(operation + " message '" + name + "' does not fit /asyncapi.json: "
          + payload.encode() + "\n" + result.toJson().encodePrettily());
    }
  }
}
