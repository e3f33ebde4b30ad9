package io.streamgate.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * A server of ours in a child process on a fixed port: it can be stopped, restarted on the same
 * port and directory (tests crash and restart services under load), and closed. Subclasses say
 * how to start the process and how to tell it serves.
 *
 * <p>Thread-safe: lifecycle methods are synchronized; accessors never change.
 */
public abstract class LocalService implements AutoCloseable {
    static final String HOST = "127.0.0.1";

    private final String description;
    private final int port;
    private final Path dir;
    private final boolean ownsDir;
    private final Path logFile;
    private final String readyLine;
    private final Duration readyTimeout;
    private final Duration stopGrace;
    private ManagedProcess process; // guarded by this; null while stopped
    private boolean closed; // guarded by this

    LocalService(String name, int port, Path dir, boolean ownsDir, Path logFile, String readyLine,
            Duration readyTimeout, Duration stopGrace) {
        this.description = name + " on port " + port;
        this.port = port;
        this.dir = dir;
        this.ownsDir = ownsDir;
        this.logFile = logFile;
        this.readyLine = readyLine;
        this.readyTimeout = readyTimeout;
        this.stopGrace = stopGrace;
    }

    /** Starts the server's process; {@link #launch} waits for it to serve. */
    abstract ManagedProcess startProcess() throws IOException;

    /** Whether the server on {@link #port()} answers; checked after its ready line appeared. */
    abstract boolean answers();

    /** The port, the same across {@link #restart()}. */
    public int port() {
        return port;
    }

    /** The data directory, the same across {@link #restart()}. */
    public Path dir() {
        return dir;
    }

    Path logFile() {
        return logFile;
    }

    /** OS process id of the running server, or -1 while stopped (for pid files and logs). */
    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    /**
     * Freezes the server (SIGSTOP) until the answer is closed: connections stay open, nothing is
     * answered. See {@link Paused}.
     *
     * @throws IllegalStateException while stopped
     */
    public synchronized Paused pause() {
        if (process == null) {
            throw new IllegalStateException(description + " is not running");
        }
        return Paused.pause(process.pid());
    }

    /** Stops the process (SIGTERM, then SIGKILL after a grace period); port and data are kept. */
    public synchronized void stop() {
        if (process != null) {
            process.stop(stopGrace);
            process = null;
        }
    }

    /**
     * SIGKILLs the process and its descendants, as a crash or a lost machine would; port and data
     * are kept, and {@link #restart()} starts it again. Does nothing while stopped.
     */
    public synchronized void kill() {
        if (process != null) {
            process.kill();
            process = null;
        }
    }

    /** Whether the process runs (it may have died on its own since it started). */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /**
     * Starts again on the same port and directory (stopping first if running); returns once the
     * server answers.
     *
     * @throws IllegalStateException if closed, or the server does not come up in time (the
     *     message includes the log tail)
     */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException(description + " is closed");
        }
        stop();
        launch();
    }

    /** Stops the server and deletes its directory if it was a temp directory we created. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop();
        if (ownsDir) {
            Reaper.deleteTempDir(dir);
        }
    }

    /** The running process, or null while stopped; tests use it to crash the server. */
    synchronized ManagedProcess process() {
        return process;
    }

    /** Starts the process and waits until it logs its ready line and answers; kills it otherwise. */
    synchronized void launch() {
        // Restarts append to the same log: only a ready line written after this point counts,
        // and a server already holding the port must not be taken for ours.
        long logOffset = LogTail.size(logFile);
        ManagedProcess started;
        try {
            started = startProcess();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + description, e);
        }
        BooleanSupplier ready = () -> LogTail.containsSince(logFile, logOffset, readyLine) && answers();
        try {
            Await.ready(description, readyTimeout, started, ready);
        } catch (RuntimeException e) {
            started.kill();
            throw e;
        }
        process = started;
    }
}
