package io.streamgate.contract.json;

/** Malformed JSON, or JSON of the wrong shape; the message says where and what was expected. */
public final class JsonException extends IllegalArgumentException {
  public JsonException(String message) {
    super(message);
  }
}
