package io.streamgate.processor.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class LastPerKeyTest {
  @Test
  void keepsTheLastRowOfEachKeyInFirstAppearanceOrder() {
    List<String[]> rows = List.of(
        new String[] {"o1", "created"}, new String[] {"o2", "created"},
        new String[] {"o1", "paid"}, new String[] {"o3", "created"},
        new String[] {"o1", "shipped"}, new String[] {"o2", "cancelled"});
    List<String> out = LastPerKey.collapse(rows.iterator(), r -> r[0]).stream()
        .map(r -> r[0] + "=" + r[1]).toList();
    assertEquals(List.of("o1=shipped", "o2=cancelled", "o3=created"), out);
  }

  @Test
  void nothingInNothingOut() {
    assertEquals(0, LastPerKey.collapse(List.<String>of().iterator(), s -> s).size());
  }
}
