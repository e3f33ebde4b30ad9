package io.streamgate.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stops every live {@link ManagedProcess} and deletes every temp directory we created when the
 * JVM exits. One hook, so directories are only deleted after the processes writing them are gone
 * (separate hooks would run concurrently, in no defined order).
 *
 * <p>Thread-safe.
 */
final class Reaper {

    /** Shutdown budget for graceful exits; a hook must not hang the JVM's exit. */
    private static final Duration EXIT_GRACE = Duration.ofSeconds(5);

    /** In start order: services started later usually depend on earlier ones. */
    private static final Set<ManagedProcess> live = Collections.synchronizedSet(new LinkedHashSet<>());
    private static final Set<Path> tempDirs = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Reaper::reapAll, "streamgate-harness-reaper"));
    }

    private Reaper() {}

    static void register(ManagedProcess process) {
        live.add(process);
    }

    static void unregister(ManagedProcess process) {
        live.remove(process);
    }

    /** A new temp directory, deleted at JVM exit unless {@link #deleteTempDir} ran first. */
    static Path createTempDir(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            tempDirs.add(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temp directory", e);
        }
    }

    static void deleteTempDir(Path dir) {
        Directories.deleteRecursively(dir);
        tempDirs.remove(dir);
    }

    private static void reapAll() {
        List<ManagedProcess> processes;
        synchronized (live) {
            processes = new ArrayList<>(live);
        }
        // Last started, first stopped: a client still running while its broker is gone can hang
        // in its own shutdown (Spark in a batch whose Kafka vanished), so stop clients first.
        Collections.reverse(processes);
        for (ManagedProcess process : processes) {
            process.stop(EXIT_GRACE);
        }
        tempDirs.forEach(Directories::deleteRecursively);
    }
}
