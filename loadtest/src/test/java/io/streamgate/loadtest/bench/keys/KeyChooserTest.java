package io.streamgate.loadtest.bench.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeyChooserTest {
  @Test
  void uniformSpreadsEvenlyOverTheSeedCommandsKeys() {
    KeyChooser keys = new KeyChooser("k", 10, KeyChooser.Distribution.UNIFORM, 0);
    Map<String, Integer> counts = new HashMap<>();
    Random random = new Random(3);
    for (int i = 0; i < 100_000; i++) {
      counts.merge(keys.next(random), 1, Integer::sum);
    }
    assertEquals(10, counts.size());
    assertTrue(counts.containsKey("k0") && counts.containsKey("k9"));
    counts.values().forEach(c -> assertEquals(10_000, c, 600));
  }

  @Test
  void zipfMakesTheFirstKeyHottest() {
    KeyChooser keys = new KeyChooser("k", 100, KeyChooser.Distribution.ZIPF, 1.0);
    int[] counts = new int[100];
    Random random = new Random(5);
    for (int i = 0; i < 100_000; i++) {
      counts[Integer.parseInt(keys.next(random).substring(1))]++;
    }
    double h = 0;
    for (int i = 1; i <= 100; i++) {
      h += 1.0 / i;
    }
    assertEquals(100_000 / h, counts[0], 1_000);
    assertEquals(100_000 / h / 2, counts[1], 800);
    assertTrue(counts[0] > counts[10] * 5);
  }

  @Test
  void multiGetKeysAreDistinct() {
    KeyChooser keys = new KeyChooser("k", 50, KeyChooser.Distribution.ZIPF, 1.2);
    String[] picked = keys.distinct(10, new Random(1)).split(",");
    assertEquals(10, picked.length);
    assertEquals(10, new HashSet<>(Arrays.asList(picked)).size());
    assertEquals(3, new KeyChooser("x", 3, KeyChooser.Distribution.UNIFORM, 0).distinct(5, new Random()).split(",").length);
  }

  @Test
  void badSettingsNameTheOption() {
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new KeyChooser("k", 0, KeyChooser.Distribution.UNIFORM, 0)).getMessage().contains("--keys"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new KeyChooser("k", 5, KeyChooser.Distribution.ZIPF, 0)).getMessage().contains("--zipf-exponent"));
  }
}
