package io.streamgate.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * TCP-level checks only: the harness stays JDK-only, so producing and consuming is tested by the
 * modules that use the broker.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaBrokerTest {

    // First, so it does not share the 2 cores with the shared broker, which lives until JVM exit.
    @Test
    @Order(1)
    void startsStopsRestartsSurvivesACrashAndCloses() throws Exception {
        KafkaBroker kafka = KafkaBroker.start();
        int port = kafka.port();
        Path log = kafka.process().logFile();
        Path dir = log.getParent();
        ProcessHandle last;
        try {
            assertEquals("127.0.0.1:" + port, kafka.bootstrapServers());
            assertTrue(TestSockets.accepts(port));
            assertEquals(1, count(log, "Kafka Server started"));
            String clusterId = clusterId(dir);

            kafka.stop();
            assertFalse(TestSockets.accepts(port), "stopped broker refuses connections");

            kafka.restart();
            assertTrue(TestSockets.accepts(port));
            assertEquals(2, count(log, "Kafka Server started"));

            ManagedProcess crashed = kafka.process();
            crashed.kill();
            assertFalse(crashed.isAlive());
            kafka.restart();
            assertTrue(TestSockets.accepts(port));
            assertEquals(port, kafka.port());

            // Restarts reuse the formatted storage instead of formatting a new cluster.
            assertEquals(clusterId, clusterId(dir));
            assertEquals(1, count(log, "Formatting metadata directory"));
            last = ProcessHandle.of(kafka.process().pid()).orElseThrow();
        } finally {
            kafka.close();
        }
        assertFalse(last.isAlive(), "broker process gone after close");
        assertFalse(TestSockets.accepts(port));
        assertTrue(TestSockets.bindable(port), "port free after close");
        assertFalse(Files.exists(dir), "temp dir deleted");
        assertThrows(IllegalStateException.class, kafka::restart);
    }

    @Test
    @Order(2)
    void sharedBrokerIsStartedOnceAndSurvivesClose() {
        KafkaBroker shared = KafkaBroker.shared();
        assertSame(shared, KafkaBroker.shared());
        assertTrue(TestSockets.accepts(shared.port()));

        shared.close(); // a no-op: other test classes use it too
        assertTrue(TestSockets.accepts(shared.port()));
        assertNotNull(shared.process());
    }

    @Test
    void clusterIdsLookLikeKafkas() {
        String id = KafkaConfig.newClusterId();
        assertEquals(22, id.length());
        assertTrue(id.matches("[A-Za-z0-9_-]{22}") && !id.startsWith("-"), id);
        assertNotEquals(id, KafkaConfig.newClusterId());
    }

    @Test
    void optionsRejectNonsense() {
        assertThrows(IllegalArgumentException.class, () -> KafkaBroker.Options.defaults().withDefaultPartitions(0));
        assertThrows(IllegalArgumentException.class, () -> KafkaBroker.Options.defaults().withPort(-1));
        assertEquals(2, KafkaBroker.Options.defaults().defaultPartitions());
    }

    private static long count(Path log, String text) throws Exception {
        return Pattern.compile(Pattern.quote(text)).matcher(Files.readString(log)).results().count();
    }

    private static String clusterId(Path dir) throws Exception {
        Matcher m = Pattern.compile("cluster\\.id=(\\S+)").matcher(Files.readString(dir.resolve("data/meta.properties")));
        assertTrue(m.find());
        return m.group(1);
    }
}
