package io.streamgate.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class PrincipalTest {
  @Test
  void viewsReadGrantsEveryView() {
    Principal p = new Principal("s", Set.of("views:read"));
    assertTrue(p.canRead("a"));
    assertTrue(p.canReadSomeView());
  }

  @Test
  void aViewScopeGrantsOnlyThatView() {
    Principal p = new Principal("s", Set.of("views:a:read", "events:a:write"));
    assertTrue(p.canRead("a"));
    assertFalse(p.canRead("b"));
    assertFalse(p.canRead("a:read"));
    assertTrue(p.canReadSomeView());
  }

  @Test
  void otherScopesGrantNoView() {
    Principal p = new Principal("s", Set.of("events:a:write", "views:write", "views"));
    assertFalse(p.canRead("a"));
    assertFalse(p.canReadSomeView());
  }
}
