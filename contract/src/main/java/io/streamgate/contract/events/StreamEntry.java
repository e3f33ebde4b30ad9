package io.streamgate.contract.events;

import io.streamgate.contract.Names;
import io.streamgate.contract.json.Json;
import io.streamgate.contract.json.JsonException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the processor tells the gateway about a source stream, stored in the streams hash under
 * the stream's name (the pipeline's source name). The gateway's event ingest
 * ({@code POST /v1/events/{stream}}) accepts a stream only if it is registered here, validates
 * events against {@link #schema()}, writes them to {@link #topic()} and keys each record by
 * {@link #keyField()} so one key's events stay in order. Unknown JSON fields are ignored when
 * reading, so either side can be upgraded first.
 *
 * @param keyField     the event field whose value is the Kafka record key, or null (no key)
 * @param eventTime    the event-time field, or null
 * @param registeredAt epoch milliseconds of this registration
 * @param tenantFields string fields besides {@code keyField} whose values start with the
 *                     tenant ({@code acme:…}) and so must belong to the writer's tenant; JSON
 *                     {@code "tenantFields"}, absent or empty when there are none
 */
public record StreamEntry(
    String name, String topic, EventSchema schema, String keyField, String eventTime,
    long registeredAt, List<String> tenantFields) {

  public StreamEntry {
    Names.requireViewName(name);
    if (topic == null || topic.isEmpty()) {
      throw new IllegalArgumentException("stream " + name + ": topic is empty");
    }
    if (schema == null) {
      throw new IllegalArgumentException("stream " + name + ": schema is missing");
    }
    if (keyField != null && schema.field(keyField) == null) {
      throw new IllegalArgumentException(
          "stream " + name + ": key field '" + keyField + "' is not in the schema");
    }
    if (eventTime != null && schema.field(eventTime) == null) {
      throw new IllegalArgumentException(
          "stream " + name + ": event-time field '" + eventTime + "' is not in the schema");
    }
    tenantFields = tenantFields == null ? List.of() : List.copyOf(tenantFields);
    for (String field : tenantFields) {
      if (schema.field(field) == null) {
        throw new IllegalArgumentException(
            "stream " + name + ": tenant field '" + field + "' is not in the schema");
      }
    }
  }

  /** No tenant-scoped fields besides the key. */
  public StreamEntry(String name, String topic, EventSchema schema, String keyField,
      String eventTime, long registeredAt) {
    this(name, topic, schema, keyField, eventTime, registeredAt, List.of());
  }

  public String toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", name);
    out.put("topic", topic);
    List<Object> fields = new ArrayList<>();
    for (EventField f : schema.fields()) {
      Map<String, Object> field = new LinkedHashMap<>();
      field.put("name", f.name());
      field.put("type", f.type().wireName());
      field.put("required", f.required());
      fields.add(field);
    }
    out.put("fields", fields);
    out.put("key", keyField);
    out.put("eventTime", eventTime);
    out.put("registeredAt", registeredAt);
    if (!tenantFields.isEmpty()) {
      out.put("tenantFields", new ArrayList<Object>(tenantFields));
    }
    return Json.write(out);
  }

  /** @throws JsonException naming the problem, if the text is not a stream entry */
  public static StreamEntry fromJson(String json) {
    Map<String, Object> in = Json.parseObject(json);
    try {
      List<EventField> fields = new ArrayList<>();
      Object list = in.get("fields");
      for (Object o : list == null ? List.of() : (List<?>) list) {
        Map<?, ?> f = (Map<?, ?>) o;
        fields.add(new EventField((String) f.get("name"),
            FieldType.fromWireName((String) f.get("type")), Boolean.TRUE.equals(f.get("required"))));
      }
      Object at = in.get("registeredAt");
      List<String> tenantFields = new ArrayList<>();
      Object tenant = in.get("tenantFields");
      for (Object o : tenant == null ? List.of() : (List<?>) tenant) {
        tenantFields.add((String) o);
      }
      return new StreamEntry((String) in.get("name"), (String) in.get("topic"),
          new EventSchema(fields), (String) in.get("key"), (String) in.get("eventTime"),
          at == null ? 0 : ((Number) at).longValue(), tenantFields);
    } catch (ClassCastException | IllegalArgumentException e) {
      throw new JsonException("not a stream entry (" + e.getMessage() + "): " + json);
    }
  }
}
