package io.streamgate.gateway.ingest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EventsHandlerTest {

  private static Buffer bytes(int... values) {
    Buffer buffer = Buffer.buffer();
    for (int v : values) {
      buffer.appendByte((byte) v);
    }
    return buffer;
  }

  @Test
  void validUtf8IsDecodedIncludingARealReplacementCharacter() {
    for (String text : new String[] {"{\"a\":1}", "{\"name\":\"Zoë 🚀\"}", "{\"c\":\"\uFFFD\"}",
        ""}) {
      assertEquals(text, EventsHandler.utf8(Buffer.buffer(text.getBytes(StandardCharsets.UTF_8))));
    }
  }

  @Test
  void malformedUtf8IsRefused() {
    // A truncated sequence, a stray continuation byte, an overlong '/', an encoded surrogate.
    for (Buffer body : new Buffer[] {bytes('"', 0xC3, '"'), bytes(0x80), bytes(0xC0, 0xAF),
        bytes(0xED, 0xA0, 0x80), bytes(0xEF, 0xBF, 0xBD, 0xFF)}) {
      assertEquals("the body is not valid UTF-8", assertThrows(
          EventBatch.MalformedException.class, () -> EventsHandler.utf8(body)).getMessage());
    }
  }
}
