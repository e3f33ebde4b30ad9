package io.streamgate.contract.events;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shape of a stream's events: its top-level fields. Events are JSON objects; fields not in
 * the schema are allowed (Spark ignores them), listed fields must have the right JSON type, and
 * required ({@code NOT NULL}) fields must be present and not null.
 */
public final class EventSchema {
  private final Map<String, EventField> fields;

  public EventSchema(List<EventField> fields) {
    Map<String, EventField> byName = new LinkedHashMap<>();
    for (EventField f : fields) {
      if (byName.put(f.name(), f) != null) {
        throw new IllegalArgumentException("event field " + f.name() + " is listed twice");
      }
    }
    this.fields = byName;
  }

  public List<EventField> fields() {
    return List.copyOf(fields.values());
  }

  public EventField field(String name) {
    return fields.get(name);
  }

  /**
   * Every problem of one parsed event ({@code Json.parse} output), in schema order; empty if it
   * is acceptable.
   */
  public List<Violation> validate(int index, Object event) {
    if (!(event instanceof Map<?, ?> object)) {
      return List.of(new Violation(index, null,
          "an event must be a JSON object, got " + FieldType.describe(event)));
    }
    List<Violation> problems = new ArrayList<>(0);
    for (EventField f : fields.values()) {
      Object value = object.get(f.name());
      if (value == null) {
        if (f.required()) {
          problems.add(new Violation(index, f.name(),
              object.containsKey(f.name()) ? "is null but required (NOT NULL)" : "is missing but required (NOT NULL)"));
        }
        continue;
      }
      String problem = f.type().problem(value);
      if (problem != null) {
        problems.add(new Violation(index, f.name(), problem));
      }
    }
    return problems;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EventSchema other && fields.equals(other.fields);
  }

  @Override
  public int hashCode() {
    return fields.hashCode();
  }

  @Override
  public String toString() {
    return "EventSchema" + fields.values();
  }
}
