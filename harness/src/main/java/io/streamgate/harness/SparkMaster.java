package io.streamgate.harness;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A Spark standalone master ({@code org.apache.spark.deploy.master.Master}) started from a
 * {@link SparkHome}, on a fixed RPC port and web UI port.
 *
 * <p>Thread-safe: lifecycle methods are synchronized; accessors never change.
 */
public final class SparkMaster extends LocalService {
    private static final String MAIN = "org.apache.spark.deploy.master.Master";
    /** Logged once it accepts workers and applications. */
    private static final String READY = "I have been elected leader";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final String HEAP = "256m";

    private final SparkHome home;
    private final int uiPort;

    SparkMaster(SparkHome home, int port, int uiPort, Path dir, Path logFile) {
        super("Spark master", port, dir, false, logFile, READY, READY_TIMEOUT, STOP_GRACE);
        this.home = home;
        this.uiPort = uiPort;
    }

    /** {@code spark://127.0.0.1:<port>}, what workers and spark-submit connect to. */
    public String url() {
        return "spark://" + HOST + ":" + port();
    }

    /** The web UI's port; {@code /json/} there lists workers, applications and drivers. */
    public int uiPort() {
        return uiPort;
    }

    @Override
    ManagedProcess startProcess() throws IOException {
        return ManagedProcess.startJavaWithClasspath("spark-master-" + port(), home.classpath(), home.jvmOptions(HEAP),
                MAIN, List.of("--host", HOST, "--port", Integer.toString(port()), "--webui-port", Integer.toString(uiPort)),
                home.environment(), logFile());
    }

    @Override
    boolean answers() {
        return Probes.canConnect(HOST, port()) && Probes.canConnect(HOST, uiPort);
    }

    @Override
    public String toString() {
        return "SparkMaster[" + url() + ", UI port " + uiPort + "]";
    }
}
