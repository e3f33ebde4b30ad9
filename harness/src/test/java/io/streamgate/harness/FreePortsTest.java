package io.streamgate.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void returnsDistinctBindablePorts() {
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            int port = FreePorts.find();
            assertTrue(port > 0 && port <= 65_535, "port " + port);
            assertTrue(TestSockets.bindable(port), "port " + port + " should be free");
            ports.add(port);
        }
        assertEquals(20, ports.size(), "no port handed out twice");
    }
}
