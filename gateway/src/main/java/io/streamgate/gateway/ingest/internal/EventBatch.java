package io.streamgate.gateway.ingest.internal;

import io.streamgate.contract.json.Json;
import io.streamgate.contract.json.JsonException;
import io.streamgate.contract.json.JsonReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The events of one request body: each event's JSON text exactly as sent (it becomes the Kafka
 * record value, never re-encoded) and its parsed form (for validation and the key). Parsing uses
 * the contract's JSON reader, so the gateway and the processor read numbers alike. Pure and
 * stateless.
 */
final class EventBatch {
  static final String JSON = "application/json";
  static final String NDJSON = "application/x-ndjson";

  /** How a body holds its events. */
  enum Format {
    /** {@code application/json}: one object, or an array of them. */
    JSON,
    /** {@code application/x-ndjson}: one JSON value per line; blank lines are skipped. */
    NDJSON
  }

  /** The body is not a batch of JSON values; the message says where, for the client. */
  static final class MalformedException extends RuntimeException {
    MalformedException(String message) {
      super(message, null, false, false);
    }
  }

  /** More events than a request may carry. */
  static final class TooManyException extends RuntimeException {
    TooManyException(String message) {
      super(message, null, false, false);
    }
  }

  final List<String> texts;
  final List<Object> values;

  private EventBatch(List<String> texts, List<Object> values) {
    this.texts = texts;
    this.values = values;
  }

  int size() {
    return texts.size();
  }

  /**
   * The format for a {@code Content-Type} header, or null if it is not one we take. Parameters
   * other than {@code charset=utf-8} are refused: JSON is UTF-8 (RFC 8259 §8.1).
   */
  static Format format(String contentType) {
    if (contentType == null) {
      return null;
    }
    String[] parts = contentType.split(";");
    String type = parts[0].trim().toLowerCase(Locale.ROOT);
    for (int i = 1; i < parts.length; i++) {
      String param = parts[i].trim().toLowerCase(Locale.ROOT).replace(" ", "");
      if (!param.isEmpty() && !param.equals("charset=utf-8") && !param.equals("charset=\"utf-8\"")) {
        return null;
      }
    }
    return switch (type) {
      case JSON -> Format.JSON;
      case NDJSON -> Format.NDJSON;
      default -> null;
    };
  }

  static EventBatch parse(String body, Format format, int maxEvents) {
    return format == Format.NDJSON ? parseLines(body, maxEvents) : parseJson(body, maxEvents);
  }

  private static EventBatch parseJson(String body, int maxEvents) {
    int first = firstNonBlank(body, 0);
    if (first == body.length()) {
      throw new MalformedException("the body is empty; send a JSON object or an array of them");
    }
    List<String> texts = new ArrayList<>();
    List<Object> values = new ArrayList<>();
    if (body.charAt(first) != '[') {
      try {
        values.add(Json.parse(body));
      } catch (JsonException e) {
        throw new MalformedException("the body is not valid JSON: " + e.getMessage());
      }
      texts.add(body.strip());
      return new EventBatch(texts, values);
    }
    JsonReader reader = new JsonReader(body, first);
    try {
      reader.expect('[');
      if (reader.consumeIf(']')) {
        throw new MalformedException("the array holds no events");
      }
      do {
        if (values.size() == maxEvents) {
          throw new TooManyException("a request may carry at most " + maxEvents + " events");
        }
        int from = reader.position();
        values.add(reader.readValue());
        texts.add(body.substring(from, reader.position()).strip());
      } while (reader.consumeIf(','));
      reader.expect(']');
      reader.expectEnd();
    } catch (JsonException e) {
      throw new MalformedException("the body is not valid JSON (event " + values.size() + "): "
          + e.getMessage());
    }
    return new EventBatch(texts, values);
  }

  private static EventBatch parseLines(String body, int maxEvents) {
    List<String> texts = new ArrayList<>();
    List<Object> values = new ArrayList<>();
    int line = 0;
    int start = 0;
    while (start < body.length()) {
      int end = body.indexOf('\n', start);
      if (end < 0) {
        end = body.length();
      }
      line++;
      String text = body.substring(start, end).strip();
      start = end + 1;
      if (text.isEmpty()) {
        continue;
      }
      if (values.size() == maxEvents) {
        throw new TooManyException("a request may carry at most " + maxEvents + " events");
      }
      try {
        values.add(Json.parse(text));
      } catch (JsonException e) {
        throw new MalformedException("line " + line + " (event " + values.size()
            + ") is not valid JSON: " + e.getMessage());
      }
      texts.add(text);
    }
    if (values.isEmpty()) {
      throw new MalformedException("the body holds no events; send one JSON object per line");
    }
    return new EventBatch(texts, values);
  }

  private static int firstNonBlank(String s, int from) {
    int i = from;
    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\n' || s.charAt(i) == '\r'
        || s.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }
}
