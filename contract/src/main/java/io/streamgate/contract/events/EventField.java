package io.streamgate.contract.events;

/**
 * A top-level field of a stream's events.
 *
 * @param required true for a {@code NOT NULL} field: absent or JSON null is refused
 */
public record EventField(String name, FieldType type, boolean required) {
  public EventField {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("an event field needs a name");
    }
    if (type == null) {
      throw new IllegalArgumentException("event field " + name + ": type is missing");
    }
  }
}
