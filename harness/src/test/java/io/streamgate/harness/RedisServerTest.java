package io.streamgate.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedisServerTest {

    private static final String PING = "PING\r\n";

    @TempDir
    Path temp;

    @Test
    void startsStopsRestartsAndClosesOnTheSamePort() throws Exception {
        RedisServer redis = RedisServer.start();
        int port = redis.port();
        Path dir = redis.process().logFile().getParent();
        try {
            assertEquals("127.0.0.1", redis.host());
            assertEquals("redis://127.0.0.1:" + port, redis.uri());
            assertEquals("+PONG", TestSockets.redis(port, PING));

            redis.stop();
            assertFalse(TestSockets.accepts(port), "stopped server refuses connections");
            assertNull(redis.process());

            redis.restart();
            assertEquals(port, redis.port());
            assertEquals("+PONG", TestSockets.redis(port, PING));
        } finally {
            redis.close();
        }
        assertFalse(TestSockets.accepts(port), "nothing listens after close");
        assertTrue(TestSockets.bindable(port));
        assertFalse(Files.exists(dir), "temp dir deleted");
        assertThrows(IllegalStateException.class, redis::restart);
        redis.close(); // idempotent
    }

    @Test
    void restartsAfterACrash() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            ManagedProcess process = redis.process();
            process.kill();
            assertFalse(process.isAlive());
            assertFalse(TestSockets.accepts(redis.port()));

            redis.restart();
            assertEquals("+PONG", TestSockets.redis(redis.port(), PING));
        }
    }

    @Test
    void persistentServerKeepsDataAcrossRestartsAndOthersDoNot() throws Exception {
        String set = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n";
        String get = "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n";
        try (RedisServer redis = RedisServer.start(RedisServer.Options.defaults().withPersistent(true))) {
            assertEquals("+OK", TestSockets.redis(redis.port(), set));
            long pid = redis.pid();
            assertTrue(pid > 0);
            redis.restart();
            assertTrue(redis.pid() != pid, "a new process after restart");
            assertEquals("$1", TestSockets.redis(redis.port(), get), "value survived the restart");
        }
        try (RedisServer redis = RedisServer.start()) {
            assertEquals("+OK", TestSockets.redis(redis.port(), set));
            redis.restart();
            assertEquals("$-1", TestSockets.redis(redis.port(), get), "no persistence by default");
            redis.stop();
            assertEquals(-1, redis.pid());
        }
    }

    @Test
    void clusterModeAnswersClusterCommands() throws Exception {
        try (RedisServer redis = RedisServer.start(RedisServer.Options.defaults().withClusterEnabled(true))) {
            String keyslot = "*3\r\n$7\r\nCLUSTER\r\n$7\r\nKEYSLOT\r\n$3\r\nfoo\r\n";
            assertEquals(":12182", TestSockets.redis(redis.port(), keyslot));
        }
    }

    @Test
    void givenPortDirAndLogFileAreUsedAndTheDirIsKept() throws Exception {
        int port = FreePorts.find();
        Path dir = temp.resolve("data");
        Path log = temp.resolve("logs/redis-custom.log");
        try (RedisServer redis = RedisServer.start(RedisServer.Options.defaults().withPort(port).withDir(dir).withLogFile(log))) {
            assertEquals(port, redis.port());
            assertEquals("+PONG", TestSockets.redis(port, PING));
            assertTrue(Files.readString(log).contains("Ready to accept connections"), "redis logs to the given file");
        }
        assertTrue(Files.isDirectory(dir), "a given directory is not deleted");
    }

    @Test
    void aPortInUseFailsWithTheLogTail() throws Exception {
        try (RedisServer first = RedisServer.start()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> RedisServer.start(RedisServer.Options.defaults().withPort(first.port()).withDir(temp)));
            assertTrue(e.getMessage().contains("exited before it was ready"), e.getMessage());
            assertTrue(e.getMessage().contains("Address already in use"), e.getMessage());
        }
    }

    @Test
    void missingRedisServerSaysHowToInstallItInOneLine() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> RedisServer.start(RedisServer.Options.defaults(), Optional::empty));

        assertEquals("redis-server not found on PATH: install it with `sudo apt-get install -y redis-server` "
                + "(Debian/Ubuntu) or `brew install redis` (macOS)", e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void optionsRejectBadPorts() {
        assertThrows(IllegalArgumentException.class, () -> RedisServer.Options.defaults().withPort(-1));
        assertThrows(IllegalArgumentException.class, () -> RedisServer.Options.defaults().withPort(70_000));
    }
}
