package io.streamgate.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Spark standalone cluster on this machine: a master and workers, each its own JVM started from
 * Spark's jars in Maven (see {@link SparkHome}), and applications submitted to it as
 * {@code spark-submit --deploy-mode cluster --supervise} does: the driver runs on a worker and the
 * master starts it again whenever it dies (on the same worker, or on another if its worker died).
 *
 * <pre>{@code
 * try (SparkCluster spark = SparkCluster.start(SparkCluster.Options.defaults())) {
 *     String driverId = spark.submit(app);
 *     spark.workers().get(0).kill();   // the driver moves once a worker is back
 * }
 * }</pre>
 *
 * <p>Thread-safe: the master and workers are thread-safe; the lists never change.
 */
public final class SparkCluster implements AutoCloseable {
    private static final String SUBMIT_MAIN = "org.apache.spark.deploy.SparkSubmit";
    private static final String DRIVER_MAIN = "org.apache.spark.deploy.worker.DriverWrapper";
    private static final Pattern SUBMITTED = Pattern.compile("Driver successfully submitted as (driver-\\S+)");
    private static final Duration SUBMIT_TIMEOUT = Duration.ofSeconds(90);

    /**
     * How to start the cluster.
     *
     * @param workers number of workers (at least 1)
     * @param workerCores cores each worker offers (a driver takes one, each executor its own)
     * @param workerMemory memory each worker offers to drivers and executors, e.g. {@code 2g}
     * @param masterPort master RPC port; 0 picks a free one
     * @param masterUiPort master web UI; 0 picks a free one
     * @param firstWorkerUiPort worker i's UI is {@code firstWorkerUiPort + i}; 0 picks free ones
     * @param dir holds the Spark installation and each worker's directory; null means a temp directory
     * @param logDir where {@code spark-master.log}, {@code spark-worker-<i>.log} go; null means {@code dir}
     */
    public record Options(int workers, int workerCores, String workerMemory, int masterPort, int masterUiPort,
            int firstWorkerUiPort, Path dir, Path logDir) {

        public Options {
            if (workers < 1 || workerCores < 1) {
                throw new IllegalArgumentException("workers and workerCores must be at least 1, were " + workers
                        + ", " + workerCores);
            }
        }

        /** One worker with 3 cores (driver and a 2-core executor) and 2 GB, free ports, temp directory. */
        public static Options defaults() {
            return new Options(1, 3, "2g", 0, 0, 0, null, null);
        }

        public Options withWorkers(int workers, int workerCores, String workerMemory) {
            return new Options(workers, workerCores, workerMemory, masterPort, masterUiPort, firstWorkerUiPort, dir, logDir);
        }

        public Options withPorts(int masterPort, int masterUiPort, int firstWorkerUiPort) {
            return new Options(workers, workerCores, workerMemory, masterPort, masterUiPort, firstWorkerUiPort, dir, logDir);
        }

        public Options withDir(Path dir) {
            return new Options(workers, workerCores, workerMemory, masterPort, masterUiPort, firstWorkerUiPort, dir, logDir);
        }

        public Options withLogDir(Path logDir) {
            return new Options(workers, workerCores, workerMemory, masterPort, masterUiPort, firstWorkerUiPort, dir, logDir);
        }
    }

    /**
     * An application to submit.
     *
     * @param name application name
     * @param mainClass the driver's main class
     * @param appJar the application's jar (the workers copy it from this path)
     * @param conf Spark settings, as spark-submit's {@code --conf}
     * @param args the application's own arguments
     * @param logFile spark-submit's log (the driver logs on its worker, see {@link #driverLogs()})
     */
    public record Submission(String name, String mainClass, Path appJar, Map<String, String> conf, List<String> args,
            Path logFile) {}

    private final SparkHome home;
    private final SparkMaster master;
    private final List<SparkWorker> workers;
    private final Path dir;
    private final boolean ownsDir;

    private SparkCluster(SparkHome home, SparkMaster master, List<SparkWorker> workers, Path dir, boolean ownsDir) {
        this.home = home;
        this.master = master;
        this.workers = List.copyOf(workers);
        this.dir = dir;
        this.ownsDir = ownsDir;
    }

    /**
     * Writes the Spark installation, starts the master, then the workers together; returns once
     * every worker registered (typically 10-20 s).
     *
     * @throws IllegalStateException if the processor's classpath is missing or a daemon does not
     *     start (the message has its log tail); what started is stopped then
     */
    public static SparkCluster start(Options options) {
        boolean ownsDir = options.dir() == null;
        Path dir = ownsDir ? Reaper.createTempDir("streamgate-spark-") : options.dir().toAbsolutePath();
        Path logDir = options.logDir() != null ? options.logDir().toAbsolutePath() : dir;
        SparkHome home = SparkHome.create(dir.resolve("home"));
        SparkMaster master = new SparkMaster(home, portOrFree(options.masterPort()), portOrFree(options.masterUiPort()),
                dir.resolve("master"), logDir.resolve("spark-master.log"));
        List<SparkWorker> workers = new ArrayList<>();
        try {
            master.launch();
            for (int i = 0; i < options.workers(); i++) {
                int uiPort = options.firstWorkerUiPort() == 0 ? FreePorts.find() : options.firstWorkerUiPort() + i;
                workers.add(new SparkWorker(home, master, uiPort, dir.resolve("worker-" + (i + 1)),
                        logDir.resolve("spark-worker-" + (i + 1) + ".log"), options.workerCores(), options.workerMemory()));
            }
            CompletableFuture.allOf(workers.stream().map(w -> CompletableFuture.runAsync(w::launch))
                    .toArray(CompletableFuture[]::new)).join();
            return new SparkCluster(home, master, workers, dir, ownsDir);
        } catch (RuntimeException e) {
            workers.forEach(SparkWorker::close);
            master.close();
            throw e instanceof CompletionException && e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    public SparkMaster master() {
        return master;
    }

    /** The workers, worker 1 first. */
    public List<SparkWorker> workers() {
        return workers;
    }

    /** The JVM options (heap, module flags) a Spark JVM here needs; for a driver's extraJavaOptions. */
    public List<String> moduleOptions() {
        return home.moduleOptions();
    }

    /**
     * Submits {@code app} in cluster mode with {@code --supervise}, as {@code spark-submit} does
     * (same main class, same classpath), and returns the driver id once the master accepted it.
     *
     * @throws IllegalStateException if spark-submit fails or takes longer than 90 s (with its log)
     */
    public String submit(Submission app) {
        List<String> args = new ArrayList<>(List.of("--master", master.url(), "--deploy-mode", "cluster", "--supervise",
                "--name", app.name(), "--class", app.mainClass()));
        app.conf().forEach((key, value) -> args.addAll(List.of("--conf", key + "=" + value)));
        args.add(app.appJar().toAbsolutePath().toString());
        args.addAll(app.args());
        ManagedProcess submit;
        try {
            submit = ManagedProcess.startJavaWithClasspath("spark-submit", home.classpath(), home.jvmOptions("256m"),
                    SUBMIT_MAIN, args, home.environment(), app.logFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run spark-submit", e);
        }
        Integer exit;
        try {
            exit = submit.waitFor(SUBMIT_TIMEOUT);
        } catch (InterruptedException e) {
            submit.kill();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while submitting " + app.name(), e);
        }
        if (exit == null || exit != 0) {
            submit.kill();
            throw Await.failure("spark-submit of " + app.name() + (exit == null ? " did not finish in time" : " failed (exit " + exit + ")"), submit);
        }
        Matcher id = SUBMITTED.matcher(submit.tail(200));
        String driverId = null;
        while (id.find()) {
            driverId = id.group(1);
        }
        if (driverId == null) {
            throw Await.failure("spark-submit of " + app.name() + " named no driver", submit);
        }
        return driverId;
    }

    /** The running driver process (on whichever worker runs it), if any. */
    public Optional<ProcessHandle> driver() {
        return workers.stream()
                .flatMap(worker -> worker.children().stream())
                .filter(child -> child.info().commandLine().map(line -> line.contains(DRIVER_MAIN)).orElse(false))
                .findFirst();
    }

    /** Every driver log on every worker (a supervised driver gets a new one per start), oldest first. */
    public List<Path> driverLogs() {
        return workers.stream().flatMap(worker -> worker.driverLogs().stream())
                .sorted((a, b) -> Long.compare(modified(a), modified(b)))
                .toList();
    }

    /** The master's view of the cluster as JSON ({@code /json/} on its UI): workers, apps, drivers. */
    public String masterState() {
        return Probes.httpGet(LocalService.HOST, master.uiPort(), "/json/");
    }

    /** Stops the master first (so it restarts no driver), then the workers with their drivers and executors. */
    @Override
    public void close() {
        master.close();
        workers.forEach(SparkWorker::close);
        if (ownsDir) {
            Reaper.deleteTempDir(dir);
        }
    }

    @Override
    public String toString() {
        return "SparkCluster[" + master.url() + ", " + workers.size() + " workers]";
    }

    private static int portOrFree(int port) {
        return port == 0 ? FreePorts.find() : port;
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
