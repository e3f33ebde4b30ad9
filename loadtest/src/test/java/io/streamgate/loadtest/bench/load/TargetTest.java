package io.streamgate.loadtest.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TargetTest {
  @Test
  void parsesHostPortSchemeAndBasePath() {
    Target t = Target.parse("https://gw.example.com/api/");
    assertTrue(t.tls());
    assertEquals("gw.example.com", t.host());
    assertEquals(443, t.port());
    assertEquals("/api/v1/ws", t.path("/v1/ws"));
    Target local = Target.parse("http://127.0.0.1:8080");
    assertEquals(8080, local.port());
    assertEquals("/v1/views/v/k", local.path("/v1/views/v/k"));
  }

  @Test
  void refusesWhatIsNotAnHttpUrl() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Target.parse("127.0.0.1:8080"));
    assertTrue(e.getMessage().contains("but was '127.0.0.1:8080'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Target.parse("ftp://x"));
  }
}
