package io.streamgate.harness;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * Waits for a freshly started service to become ready, failing fast if its process dies and
 * always failing with the log tail, so a broken start is diagnosable from the exception alone.
 *
 * <p>Thread-safe: stateless.
 */
final class Await {

    private static final long POLL_MILLIS = 100;
    private static final int TAIL_LINES = 40;

    private Await() {}

    /**
     * Polls {@code ready} until it returns true.
     *
     * @throws IllegalStateException if {@code process} exits first, {@code timeout} passes, or
     *     the thread is interrupted
     */
    static void ready(String what, Duration timeout, ManagedProcess process, BooleanSupplier ready) {
        Instant deadline = Instant.now().plus(timeout);
        while (!ready.getAsBoolean()) {
            if (!process.isAlive()) {
                throw failure(what + " exited before it was ready", process);
            }
            if (Instant.now().isAfter(deadline)) {
                throw failure(what + " was not ready within " + timeout.toSeconds() + " s", process);
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + what, e);
            }
        }
    }

    /** An exception whose message ends with the last lines of the process's log. */
    static IllegalStateException failure(String message, ManagedProcess process) {
        return new IllegalStateException(message + " (log: " + process.logFile() + "); last lines:\n"
                + process.tail(TAIL_LINES));
    }
}
