package io.streamgate.connector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ChangeEnvelopeTest {
  private static final String PAYLOAD = "{\"before\":null,\"after\":{\"customerId\":\"c-1\"},\"source\":{\"version\":"
      + "\"3.6.1.Final\",\"connector\":\"postgresql\",\"ts_ms\":1764064800000,\"schema\":\"public\","
      + "\"table\":\"customers\",\"lsn\":24023128},\"op\":\"c\",\"ts_ms\":1764064800050}";

  @Test
  void readsOperationTableAndPositionWithOrWithoutTheEmbeddedSchema() {
    ChangeEnvelope expected = new ChangeEnvelope("c", "public.customers", 24023128, 1764064800000L);
    assertEquals(expected, ChangeEnvelope.parse(PAYLOAD));
    assertEquals(expected, ChangeEnvelope.parse("{\"schema\":{\"type\":\"struct\"},\"payload\":" + PAYLOAD + "}"));
  }

  @Test
  void tombstonesAndOtherValuesAreNotChanges() {
    assertNull(ChangeEnvelope.parse(null));
    assertNull(ChangeEnvelope.parse("not json"));
    assertNull(ChangeEnvelope.parse("{\"after\":{}}"));
  }

  @Test
  void lsnsPrintAsPostgresDoes() {
    assertEquals("0/16E8F58", ChangeEnvelope.formatLsn(0x16E8F58L));
    assertEquals("1/0", ChangeEnvelope.formatLsn(1L << 32));
    assertEquals("-", ChangeEnvelope.formatLsn(-1));
  }
}
