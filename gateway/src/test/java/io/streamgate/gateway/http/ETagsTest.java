package io.streamgate.gateway.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ETagsTest {
  @Test
  void matchesExactWeakListedAndStar() {
    assertTrue(ETags.matches("\"7\"", "\"7\""));
    assertTrue(ETags.matches("W/\"7\"", "\"7\""));
    assertTrue(ETags.matches("\"1\", \"7\"", "\"7\""));
    assertTrue(ETags.matches("*", "\"7\""));
  }

  @Test
  void aWeakCurrentTagMatchesByTheWeakComparison() {
    assertTrue(ETags.matches("W/\"pab\"", "W/\"pab\""));
    assertTrue(ETags.matches("\"1\", \"pab\"", "W/\"pab\""));
    assertFalse(ETags.matches("W/\"pac\"", "W/\"pab\""));
    assertFalse(ETags.matches("\"7\"", "W/\"pab\""));
  }

  @Test
  void doesNotMatchOtherVersionsUnquotedOrAbsent() {
    assertFalse(ETags.matches(null, "\"7\""));
    assertFalse(ETags.matches("\"70\"", "\"7\""));
    assertFalse(ETags.matches("7", "\"7\""));
    assertFalse(ETags.matches("", "\"7\""));
  }
}
