package io.streamgate.gateway.server;

import io.streamgate.contract.CatalogEntry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Pure: {@code /asyncapi.json} from its static document and the catalog's views. Lists each
 * message of {@code components.messages} in the operation its {@value #OPERATION} names and in
 * that operation's channel (so a new message is one entry), and types the value of the messages
 * marked {@value #ROWS} per view: {@code components.schemas.<View>Value} as in
 * {@code /openapi.json} ({@link ViewSchemas#valueSchema}), chosen by the message's {@code view}.
 * Stateless and thread-safe.
 */
final class AsyncApiSchemas {
  /** On a message: the operation (in {@code operations}) it belongs to. */
  static final String OPERATION = "x-streamgate-operation";
  /** On a message: it carries a row, whose value is typed per view. */
  static final String ROWS = "x-streamgate-rows";
  private static final String SCHEMAS = "#/components/schemas/";

  private AsyncApiSchemas() {}

  /** {@code base} (not modified), its messages listed, their rows typed for {@code views}. */
  static JsonObject document(JsonObject base, List<CatalogEntry> views) {
    JsonObject doc = base.copy();
    JsonObject components = doc.getJsonObject("components");
    JsonObject schemas = components.getJsonObject("schemas");
    JsonArray byView = new JsonArray();
    Set<String> used = new HashSet<>(schemas.fieldNames());
    for (CatalogEntry view : views) {
      String schema = ViewSchemas.uniqueName(view, used) + "Value";
      used.add(schema);
      schemas.put(schema, ViewSchemas.valueSchema(view));
      byView.add(new JsonObject()
          .put("required", new JsonArray().add("view"))
          .put("properties", new JsonObject()
              .put("view", new JsonObject().put("const", view.name()))
              .put("value", new JsonObject().put("$ref", SCHEMAS + schema))));
    }
    JsonObject messages = components.getJsonObject("messages");
    for (String name : messages.fieldNames()) {
      JsonObject message = messages.getJsonObject(name);
      list(doc, name, message.getString(OPERATION));
      if (Boolean.TRUE.equals(message.getBoolean(ROWS)) && !byView.isEmpty()) {
        message.put("payload", new JsonObject().put("allOf", new JsonArray()
            .add(message.getJsonObject("payload"))
            .add(new JsonObject().put("oneOf", byView.copy()))));
      }
    }
    return doc;
  }

  /** Adds message {@code name} to {@code operation} and its channel. */
  private static void list(JsonObject doc, String name, String operation) {
    JsonObject op = operation == null ? null
        : doc.getJsonObject("operations").getJsonObject(operation);
    if (op == null) {
      throw new IllegalStateException("asyncapi.json: message " + name + " names no operation"
          + " of the document in " + OPERATION + " (" + operation + ")");
    }
    String channelRef = op.getJsonObject("channel").getString("$ref");
    String channel = channelRef.substring(channelRef.lastIndexOf('/') + 1);
    doc.getJsonObject("channels").getJsonObject(channel).getJsonObject("messages")
        .put(name, new JsonObject().put("$ref", "#/components/messages/" + name));
    op.getJsonArray("messages")
        .add(new JsonObject().put("$ref", "#/channels/" + channel + "/messages/" + name));
  }
}
