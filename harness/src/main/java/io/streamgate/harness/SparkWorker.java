package io.streamgate.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A Spark standalone worker ({@code org.apache.spark.deploy.worker.Worker}) started from a
 * {@link SparkHome}; drivers submitted in cluster mode and executors run as its child processes,
 * with their logs under {@link #workDir()}. Its web UI port is fixed ({@link #port()}); its RPC
 * port is new on every start, because the master refuses a worker at the address of one it still
 * believes alive.
 *
 * <p>{@link #kill()} SIGKILLs the worker with its drivers and executors, as a lost machine would.
 *
 * <p>Thread-safe: lifecycle methods are synchronized; accessors never change.
 */
public final class SparkWorker extends LocalService {
    private static final String MAIN = "org.apache.spark.deploy.worker.Worker";
    private static final String READY = "Successfully registered with master";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    /** The worker kills its drivers and executors on SIGTERM; the processor stops its queries. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);
    private static final String HEAP = "256m";

    private final SparkHome home;
    private final SparkMaster master;
    private final int cores;
    private final String memory;

    SparkWorker(SparkHome home, SparkMaster master, int uiPort, Path dir, Path logFile, int cores, String memory) {
        super("Spark worker", uiPort, dir, false, logFile, READY, READY_TIMEOUT, STOP_GRACE);
        this.home = home;
        this.master = master;
        this.cores = cores;
        this.memory = memory;
    }

    /** Where the worker keeps each driver's and executor's directory with its stdout and stderr. */
    public Path workDir() {
        return dir().resolve("work");
    }

    /** Logs ({@code stderr}) of the drivers this worker ran, oldest first. */
    public List<Path> driverLogs() {
        if (!Files.isDirectory(workDir())) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(workDir())) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("driver-"))
                    .map(d -> d.resolve("stderr"))
                    .filter(Files::isRegularFile)
                    .sorted(Comparator.comparing(SparkWorker::modified))
                    .toList();
        } catch (IOException e) {
            return List.of(); // the worker is deleting or creating a directory
        }
    }

    @Override
    ManagedProcess startProcess() throws IOException {
        Files.createDirectories(workDir());
        return ManagedProcess.startJavaWithClasspath("spark-worker-" + port(), home.classpath(), home.jvmOptions(HEAP),
                MAIN, List.of("--host", HOST, "--webui-port", Integer.toString(port()),
                        "--cores", Integer.toString(cores), "--memory", memory,
                        "--work-dir", workDir().toString(), master.url()),
                home.environment(), logFile());
    }

    @Override
    boolean answers() {
        return Probes.canConnect(HOST, port());
    }

    /** The worker's child processes: drivers ({@code DriverWrapper}) and executors, live ones. */
    List<ProcessHandle> children() {
        ManagedProcess process = process();
        return process == null ? List.of() : process.descendants();
    }

    @Override
    public String toString() {
        return "SparkWorker[UI port " + port() + ", " + cores + " cores, " + memory + "]";
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
