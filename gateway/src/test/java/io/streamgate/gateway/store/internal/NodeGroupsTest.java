package io.streamgate.gateway.store.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamgate.contract.Slots;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeGroupsTest {

  @Test
  void keysAreGroupedByTheNodeOfTheirSlotKeepingTheirOrder() {
    // Three nodes as redis-cli --cluster create splits the slots.
    int[] nodeOfSlot = new int[Slots.COUNT];
    Arrays.fill(nodeOfSlot, 0, 5461, 0);
    Arrays.fill(nodeOfSlot, 5461, 10923, 1);
    Arrays.fill(nodeOfSlot, 10923, Slots.COUNT, 2);
    List<String> keys = List.of("a", "b", "c", "d", "e", "{a}x", "f");
    List<int[]> groups = NodeGroups.group(keys, nodeOfSlot);

    assertEquals(keys.size(), groups.stream().mapToInt(g -> g.length).sum());
    for (int[] group : groups) {
      int node = nodeOfSlot[Slots.slot(keys.get(group[0]))];
      for (int i = 0; i < group.length; i++) {
        assertEquals(node, nodeOfSlot[Slots.slot(keys.get(group[i]))], "one node per group");
        if (i > 0) {
          assertEquals(true, group[i] > group[i - 1], "key order within a group");
        }
      }
    }
    // A hash tag puts "{a}x" in a's slot, so in a's group.
    int[] withA = groups.stream().filter(g -> g[0] == 0).findFirst().orElseThrow();
    assertEquals(true, Arrays.stream(withA).anyMatch(p -> p == 5));
  }

  @Test
  void oneNodeIsOneGroup() {
    int[] nodeOfSlot = new int[Slots.COUNT];
    assertArrayEquals(new int[] {0, 1, 2},
        NodeGroups.group(List.of("x", "y", "z"), nodeOfSlot).get(0));
  }
}
