package io.streamgate.gateway.ingest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventBatchTest {

  @Test
  void takesJsonAndNdjsonWithAUtf8CharsetOnly() {
    assertEquals(EventBatch.Format.JSON, EventBatch.format("application/json"));
    assertEquals(EventBatch.Format.JSON, EventBatch.format("Application/JSON; charset=UTF-8"));
    assertEquals(EventBatch.Format.NDJSON, EventBatch.format("application/x-ndjson"));
    assertNull(EventBatch.format(null));
    assertNull(EventBatch.format("text/plain"));
    assertNull(EventBatch.format("application/json; charset=latin1"));
    assertNull(EventBatch.format("application/jsonl"));
  }

  @Test
  void aSingleObjectKeepsItsTextAsSent() {
    String body = "  {\"id\": \"a\",  \"n\": 1.50}\n";
    EventBatch batch = EventBatch.parse(body, EventBatch.Format.JSON, 10);
    assertEquals(List.of("{\"id\": \"a\",  \"n\": 1.50}"), batch.texts);
    assertEquals(Map.of("id", "a", "n", 1.5), batch.values.get(0));
  }

  @Test
  void anArrayGivesEachElementsOwnText() {
    String body = "[ {\"id\":\"a\"} ,\n{\"id\":\"b\",\"x\":[1,{\"y\":\"]\"}]}, 7 ]";
    EventBatch batch = EventBatch.parse(body, EventBatch.Format.JSON, 10);
    assertEquals(List.of("{\"id\":\"a\"}", "{\"id\":\"b\",\"x\":[1,{\"y\":\"]\"}]}", "7"),
        batch.texts);
    assertEquals(7L, batch.values.get(2)); // not an object: validation refuses it later
  }

  @Test
  void ndjsonSkipsBlankLinesAndCarriageReturns() {
    String body = "{\"id\":\"a\"}\r\n\n  \n{\"id\":\"b\"}";
    EventBatch batch = EventBatch.parse(body, EventBatch.Format.NDJSON, 10);
    assertEquals(List.of("{\"id\":\"a\"}", "{\"id\":\"b\"}"), batch.texts);
  }

  @Test
  void malformedBodiesSayWhere() {
    assertTrue(assertThrows(EventBatch.MalformedException.class,
        () -> EventBatch.parse("[{\"a\":1},{\"a\":]", EventBatch.Format.JSON, 10))
        .getMessage().contains("event 1"));
    assertTrue(assertThrows(EventBatch.MalformedException.class,
        () -> EventBatch.parse("{\"a\":1}\n{oops}\n", EventBatch.Format.NDJSON, 10))
        .getMessage().startsWith("line 2 (event 1)"));
    assertThrows(EventBatch.MalformedException.class,
        () -> EventBatch.parse("{\"a\":1} {\"a\":2}", EventBatch.Format.JSON, 10));
    assertThrows(EventBatch.MalformedException.class,
        () -> EventBatch.parse("[{\"a\":1}] x", EventBatch.Format.JSON, 10));
    assertThrows(EventBatch.MalformedException.class,
        () -> EventBatch.parse("[]", EventBatch.Format.JSON, 10));
    assertThrows(EventBatch.MalformedException.class,
        () -> EventBatch.parse(" \n", EventBatch.Format.JSON, 10));
    assertThrows(EventBatch.MalformedException.class,
        () -> EventBatch.parse("\n\n", EventBatch.Format.NDJSON, 10));
  }

  @Test
  void refusesMoreEventsThanAllowed() {
    assertEquals(2, EventBatch.parse("[1,2]", EventBatch.Format.JSON, 2).size());
    assertThrows(EventBatch.TooManyException.class,
        () -> EventBatch.parse("[1,2,3]", EventBatch.Format.JSON, 2));
    assertThrows(EventBatch.TooManyException.class,
        () -> EventBatch.parse("1\n2\n3\n", EventBatch.Format.NDJSON, 2));
  }
}
