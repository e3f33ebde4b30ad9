package io.streamgate.processor.deadletter;

import io.streamgate.contract.events.EventField;
import io.streamgate.contract.events.EventSchema;
import io.streamgate.contract.events.FieldType;
import io.streamgate.contract.events.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.api.java.UDF1;

/**
 * Why a record of a Debezium source is a dead letter: not a change event (not JSON, no envelope),
 * an {@code op} the processor does not apply ({@code t} truncate, {@code m} message), no {@code
 * source.lsn}, no row image, no key, or an after-image that does not fit the source schema (in the
 * words of {@link EventSchema#validate}, fields named {@code after.<column>}). Spark decides what
 * is refused ({@code ChangeEvents.valid}); this explains it. Serializable (a UDF); thread-safe.
 */
public final class ChangeDeadLetterReason implements UDF1<byte[], String> {
  private static final long serialVersionUID = 1L;

  private final DeadLetterReason json;
  private final String key;
  private final String[] names;
  private final String[] types;
  private final boolean[] required;
  private transient volatile EventSchema schema;

  public ChangeDeadLetterReason(EventSchema schema, String key) {
    this.json = new DeadLetterReason(new EventSchema(List.of()));
    this.key = key;
    List<EventField> fields = schema.fields();
    this.names = new String[fields.size()];
    this.types = new String[fields.size()];
    this.required = new boolean[fields.size()];
    for (int i = 0; i < fields.size(); i++) {
      names[i] = fields.get(i).name();
      types[i] = fields.get(i).type().wireName();
      required[i] = fields.get(i).required();
    }
  }

  @Override
  public String call(byte[] value) {
    return reason(value);
  }

  /** The reason for one raw record value. */
  public String reason(byte[] value) {
    Object parsed = json.parsed(value);
    if (parsed instanceof String problem) {
      return problem;
    }
    if (!(((DeadLetterReason.Parsed) parsed).value() instanceof Map<?, ?> record)) {
      return "not a Debezium change event: a JSON object with op, before, after and source";
    }
    Object envelope = record.containsKey("payload") ? record.get("payload") : record;
    if (!(envelope instanceof Map<?, ?> change)) {
      return "not a Debezium change event: payload is not an object";
    }
    Object op = change.get("op");
    if (!(op instanceof String o) || !List.of("c", "r", "u", "d").contains(o)) {
      return op == null ? "not a Debezium change event: no op"
          : "op " + op + " is not applied (only c, r, u, d: inserts, snapshot reads, updates and"
              + " deletes; \"t\" is a truncate, which the connector skips by default)";
    }
    Object lsn = change.get("source") instanceof Map<?, ?> source ? source.get("lsn") : null;
    if (!(lsn instanceof Number n) || n.longValue() <= 0) {
      return "source.lsn is missing or not a positive number (the change's log position orders"
          + " a row's changes; only PostgreSQL's numeric LSN is read)";
    }
    String side = o.equals("d") ? "before" : "after";
    if (!(change.get(side) instanceof Map<?, ?> image)) {
      return side + " is missing: a " + (o.equals("d") ? "delete" : "change")
          + " needs its row image";
    }
    if (image.get(key) == null) {
      return side + "." + key + " (the key) is missing or null";
    }
    if (o.equals("d")) {
      return "refused by Spark's JSON reader for the source schema";
    }
    List<Violation> violations = schema().validate(0, image);
    if (violations.isEmpty()) {
      return "refused by Spark's JSON reader for the source schema";
    }
    return DeadLetterReason.cut(violations.stream()
        .map(v -> v.field() == null ? v.reason() : "field after." + v.field() + ": " + v.reason())
        .collect(Collectors.joining("; ")));
  }

  private EventSchema schema() {
    EventSchema s = schema;
    if (s == null) {
      List<EventField> fields = new ArrayList<>();
      for (int i = 0; i < names.length; i++) {
        fields.add(new EventField(names[i], FieldType.fromWireName(types[i]), required[i]));
      }
      s = new EventSchema(fields);
      schema = s;
    }
    return s;
  }
}
