package io.streamgate.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScriptTest {
  @Test
  void anIncludeLineBecomesThePartsTextSoBothScriptsShareOneRule() {
    for (Script s : java.util.List.of(Scripts.WRITE_ROW, Scripts.APPLY_DELTAS)) {
      assertTrue(s.source().contains("local function write_value(row, version"), s.name());
      assertFalse(s.source().lines().anyMatch(l -> l.startsWith("-- include:")), s.name());
      assertEquals(Script.sha1Hex(s.source()), s.sha1(), "the SHA is of the text Redis runs");
    }
  }

  @Test
  void onlyWholeIncludeLinesCountAndAMissingPartIsNamed() {
    assertEquals("x -- include: write_value", Script.includeParts("x -- include: write_value"));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Script.includeParts("-- include: no_such_part\nreturn 1"));
    assertEquals("contract script no_such_part.lua missing from classpath", e.getMessage());
  }
}
