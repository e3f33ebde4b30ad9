package io.streamgate.processor.pipeline;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How a source's Kafka records are read ({@code format:} of a source). */
public enum SourceFormat {
  /** One JSON object per record, the event itself. */
  JSON("json"),
  /**
   * Debezium change events (JSON, with or without the embedded schema): one row change per
   * record; the source's schema declares the table's columns.
   */
  DEBEZIUM("debezium");

  private final String wireName;

  SourceFormat(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** @throws IllegalArgumentException naming the known formats */
  public static SourceFormat fromWireName(String name) {
    for (SourceFormat f : values()) {
      if (f.wireName.equals(name.toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    throw new IllegalArgumentException("format must be one of "
        + Arrays.stream(values()).map(SourceFormat::wireName).collect(Collectors.joining(", "))
        + ", but was '" + name + "'");
  }
}
