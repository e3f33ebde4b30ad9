package io.streamgate.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PausedTest {

    @TempDir
    Path temp;

    @Test
    void freezesTheProcessUntilClosed() throws Exception {
        try (ManagedProcess sleep = ManagedProcess.start("sleep", List.of("sleep", "60"), Map.of(), null,
                temp.resolve("sleep.log"))) {
            Paused paused = Paused.pause(sleep.pid());
            awaitState(sleep.pid(), 'T');
            paused.close();
            awaitState(sleep.pid(), 'S');
            paused.close(); // idempotent: a second SIGCONT would be harmless, but none is sent
            assertEquals(sleep.pid(), paused.pid());
        }
    }

    @Test
    void refusesAProcessThatIsNotRunning() {
        assertThrows(IllegalArgumentException.class, () -> Paused.pause(-1));
        // Above Linux's largest pid_max (2^22): kill(1) fails, and says so.
        assertThrows(IllegalStateException.class, () -> Paused.pause(Integer.MAX_VALUE - 1));
    }

    /** Waits for the scheduler state in /proc/PID/stat (T stopped, S sleeping). */
    private static void awaitState(long pid, char expected) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(5));
        char state;
        do {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            state = stat.charAt(stat.lastIndexOf(')') + 2);
            if (state == expected) {
                return;
            }
            Thread.sleep(20);
        } while (Instant.now().isBefore(deadline));
        assertEquals(expected, state, "state of pid " + pid);
    }
}
