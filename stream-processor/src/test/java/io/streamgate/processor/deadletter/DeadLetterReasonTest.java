package io.streamgate.processor.deadletter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.events.EventField;
import io.streamgate.contract.events.EventSchema;
import io.streamgate.contract.events.FieldType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeadLetterReasonTest {
  private static final EventSchema SCHEMA = new EventSchema(List.of(
      new EventField("id", FieldType.STRING, true),
      new EventField("n", FieldType.LONG, false),
      new EventField("ts", FieldType.TIMESTAMP, true)));

  private final DeadLetterReason reason = new DeadLetterReason(SCHEMA);

  @Test
  void namesEveryProblemOfTheEvent() {
    assertEquals("field id: is missing but required (NOT NULL); field n: expected a 64-bit"
        + " integer, got the string \"x\"; field ts: is null but required (NOT NULL)",
        of("{\"n\":\"x\",\"ts\":null}"));
  }

  @Test
  void wholeRecordProblems() {
    assertEquals("the record has no value (null)", reason.reason(null));
    assertEquals("not UTF-8 text", reason.reason(new byte[] {(byte) 0xC3, (byte) 0x28}));
    assertTrue(of("{\"id\":").startsWith("not JSON: "), of("{\"id\":"));
    assertEquals("an event must be a JSON object, got the string \"hi\"", of("\"hi\""));
  }

  @Test
  void anEventTheContractAcceptsWasRefusedBySpark() {
    assertEquals("refused by Spark's JSON reader for the source schema",
        of("{\"id\":\"a\",\"ts\":\"2026-11-25T10:00:00Z\"}"));
  }

  @Test
  void longReasonsAreCut() {
    StringBuilder json = new StringBuilder("{\"ts\":1");
    EventField[] many = new EventField[300];
    for (int i = 0; i < many.length; i++) {
      many[i] = new EventField("field" + i, FieldType.STRING, true);
    }
    String r = new DeadLetterReason(new EventSchema(List.of(many)))
        .reason(json.append('}').toString().getBytes(StandardCharsets.UTF_8));
    assertEquals(DeadLetterReason.MAX_LENGTH, r.length());
  }

  @Test
  void survivesSerializationToExecutors() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(reason);
    }
    DeadLetterReason copy;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (DeadLetterReason) in.readObject();
    }
    assertEquals(of("{\"n\":1}"), copy.reason("{\"n\":1}".getBytes(StandardCharsets.UTF_8)));
  }

  private String of(String json) {
    return reason.reason(json.getBytes(StandardCharsets.UTF_8));
  }
}
