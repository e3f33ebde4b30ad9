package io.streamgate.loadtest.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ZipfSamplerTest {
  @Test
  void probabilitiesFollowOneOverRank() {
    ZipfSampler zipf = new ZipfSampler(4, 1.0);
    double h = 1 + 1 / 2.0 + 1 / 3.0 + 1 / 4.0;
    for (int i = 0; i < 4; i++) {
      assertEquals(1 / (i + 1.0) / h, zipf.probability(i), 1e-12);
    }
  }

  @Test
  void samplesMatchProbabilitiesAndStayInRange() {
    ZipfSampler zipf = new ZipfSampler(10, 1.2);
    int[] counts = new int[10];
    Random random = new Random(9);
    int n = 200_000;
    for (int i = 0; i < n; i++) {
      counts[zipf.sample(random)]++;
    }
    for (int i = 0; i < 10; i++) {
      assertEquals(zipf.probability(i), counts[i] / (double) n, 0.01, "index " + i);
    }
  }

  @Test
  void exponentZeroIsUniformAndOneBucketAlwaysZero() {
    ZipfSampler uniform = new ZipfSampler(5, 0);
    for (int i = 0; i < 5; i++) {
      assertEquals(0.2, uniform.probability(i), 1e-12);
    }
    ZipfSampler single = new ZipfSampler(1, 2);
    Random random = new Random(1);
    for (int i = 0; i < 100; i++) {
      assertEquals(0, single.sample(random));
    }
  }

  @Test
  void rejectsEmptyPopulation() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ZipfSampler(0, 1));
    assertTrue(e.getMessage().contains("but was 0"), e.getMessage());
  }
}
