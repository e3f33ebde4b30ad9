package io.streamgate.processor.deadletter;

import io.streamgate.contract.events.EventField;
import io.streamgate.contract.events.EventSchema;
import io.streamgate.contract.events.FieldType;
import io.streamgate.contract.events.Violation;
import io.streamgate.contract.json.Json;
import io.streamgate.contract.json.JsonException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.api.java.UDF1;

/**
 * Why an event the views refused is a dead letter, in the words the gateway's event ingest uses
 * for the same mistake ({@link EventSchema#validate}): not UTF-8, not JSON, not an object, a field
 * of the wrong type, a NOT NULL field missing. Spark decides what is refused ({@code
 * SourceParser.valid}); this only explains it, so when the two disagree on an edge the reason says
 * Spark's reader refused it. Serializable (it runs as a UDF on executors); thread-safe.
 */
public final class DeadLetterReason implements UDF1<byte[], String> {
  private static final long serialVersionUID = 1L;
  /** Reasons are header values; an event with many bad fields should not make a huge one. */
  static final int MAX_LENGTH = 1000;

  private final String[] names;
  private final String[] types;
  private final boolean[] required;
  private transient volatile EventSchema schema;

  public DeadLetterReason(EventSchema schema) {
    List<EventField> fields = schema.fields();
    this.names = new String[fields.size()];
    this.types = new String[fields.size()];
    this.required = new boolean[fields.size()];
    for (int i = 0; i < fields.size(); i++) {
      names[i] = fields.get(i).name();
      types[i] = fields.get(i).type().wireName();
      required[i] = fields.get(i).required();
    }
    this.schema = schema;
  }

  @Override
  public String call(byte[] value) {
    return reason(value);
  }

  /** The reason for one raw record value (null for a record without a value). */
  public String reason(byte[] value) {
    Object parsed = parsed(value);
    if (parsed instanceof String problem) {
      return problem;
    }
    Object event = ((Parsed) parsed).value();
    List<Violation> violations = schema().validate(0, event);
    if (violations.isEmpty()) {
      return "refused by Spark's JSON reader for the source schema";
    }
    return cut(violations.stream()
        .map(v -> v.field() == null ? v.reason() : "field " + v.field() + ": " + v.reason())
        .collect(Collectors.joining("; ")));
  }

  /** A parsed JSON value (which may be JSON null). */
  record Parsed(Object value) {}

  /** The record value as {@link Parsed} JSON, or the reason it is not JSON (a String). */
  Object parsed(byte[] value) {
    if (value == null) {
      return "the record has no value (null)";
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(value)).toString();
    } catch (CharacterCodingException e) {
      return "not UTF-8 text";
    }
    try {
      return new Parsed(Json.parse(text));
    } catch (JsonException e) {
      return cut("not JSON: " + e.getMessage());
    }
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

  static String cut(String reason) {
    return reason.length() <= MAX_LENGTH ? reason : reason.substring(0, MAX_LENGTH - 1) + "…";
  }
}
