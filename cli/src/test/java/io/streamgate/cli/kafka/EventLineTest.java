package io.streamgate.cli.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EventLineTest {
  @Test
  void keyIsOrderIdByDefaultAndTheLineIsKeptAsGiven() {
    EventLine line = EventLine.parse("  {\"orderId\":\"o-1\", \"amount\": 2.50}  ", null);
    assertEquals("o-1", line.key());
    assertEquals("{\"orderId\":\"o-1\", \"amount\": 2.50}", line.value());
  }

  @Test
  void noOrderIdMeansNoKey() {
    assertNull(EventLine.parse("{\"userId\":\"u\"}", null).key());
  }

  @Test
  void keyFieldPicksAnotherFieldAndNumbersBecomeText() {
    assertEquals("u-7", EventLine.parse("{\"orderId\":\"o\",\"userId\":\"u-7\"}", "userId").key());
    assertEquals("42", EventLine.parse("{\"id\":42}", "id").key());
  }

  @Test
  void explainsWhatIsWrong() {
    IllegalArgumentException notJson = assertThrows(IllegalArgumentException.class,
        () -> EventLine.parse("orderId=1", null));
    assertTrue(notJson.getMessage().startsWith("not a JSON object"), notJson.getMessage());
    IllegalArgumentException array = assertThrows(IllegalArgumentException.class,
        () -> EventLine.parse("[1,2]", null));
    assertTrue(array.getMessage().contains("expected a JSON object but got an array"), array.getMessage());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> EventLine.parse("{\"a\":1}", "userId"));
    assertEquals("has no field 'userId' for the record key (--key-field)", missing.getMessage());
    IllegalArgumentException nested = assertThrows(IllegalArgumentException.class,
        () -> EventLine.parse("{\"orderId\":{\"x\":1}}", null));
    assertTrue(nested.getMessage().contains("must be a string or number"), nested.getMessage());
  }
}
