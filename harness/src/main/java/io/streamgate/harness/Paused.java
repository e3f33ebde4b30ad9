package io.streamgate.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A process frozen with SIGSTOP until {@link #close()} sends SIGCONT: it keeps its sockets open
 * but answers nothing, like a server stuck in a long GC pause or on a dead disk. Tests use it to
 * drive clients past their timeouts without the connection errors a stopped server would give.
 *
 * <pre>{@code
 * try (Paused frozen = kafka.pause()) {
 *     assertEquals(503, post(batch).statusCode());
 * } // resumed here, also when the assertion fails
 * }</pre>
 *
 * <p>Only the process itself is signalled, not its descendants. Thread-safe; {@link #close()} is
 * idempotent.
 */
public final class Paused implements AutoCloseable {
    private static final long KILL_TIMEOUT_SECONDS = 10;

    private final long pid;
    private final AtomicBoolean resumed = new AtomicBoolean();

    private Paused(long pid) {
        this.pid = pid;
    }

    /**
     * Sends SIGSTOP to {@code pid}.
     *
     * @throws IllegalStateException if the signal cannot be sent (no such process)
     */
    public static Paused pause(long pid) {
        if (pid <= 0) {
            throw new IllegalArgumentException("cannot pause pid " + pid + ": the process is not running");
        }
        signal("STOP", pid);
        return new Paused(pid);
    }

    /** The frozen process's id. */
    public long pid() {
        return pid;
    }

    /** Sends SIGCONT, once; later calls do nothing. */
    @Override
    public void close() {
        if (resumed.compareAndSet(false, true)) {
            signal("CONT", pid);
        }
    }

    // kill(1) rather than a JDK call: ProcessHandle can only terminate, not stop or continue.
    private static void signal(String signal, long pid) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                    .redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes()).strip();
            if (!kill.waitFor(KILL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                throw new IllegalStateException("kill -" + signal + " " + pid + " did not finish");
            }
            if (kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -" + signal + " " + pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending SIG" + signal + " to " + pid, e);
        }
    }
}
