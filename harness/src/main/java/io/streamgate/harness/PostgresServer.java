package io.streamgate.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A private PostgreSQL server (not the system's) on a free port (or a given one), its cluster in
 * a temp directory (or a given one, kept and reused across runs), configured for logical
 * replication ({@code wal_level=logical}) so Debezium can read its changes. Authentication is
 * {@code trust} for user {@value #USER} on 127.0.0.1 and on the Unix socket in the directory.
 *
 * <pre>{@code
 * try (PostgresServer postgres = PostgresServer.start()) {
 *     DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), "");
 * }
 * }</pre>
 *
 * <p>Binaries come from the newest {@code /usr/lib/postgresql/<version>/bin} (Debian, Ubuntu),
 * else from PATH. {@code initdb} and {@code postgres} refuse to run as root; as root they run as
 * the OS user {@value #OS_USER} (via {@code setpriv}, else {@code runuser}), which then owns the
 * directory.
 *
 * <p>Thread-safe: lifecycle methods are synchronized; accessors never change.
 */
public final class PostgresServer extends LocalService {

    /** The superuser initdb creates; trusted, no password. */
    public static final String USER = "streamgate";
    public static final String DEFAULT_DATABASE = "streamgate";

    static final String NOT_FOUND = "PostgreSQL server binaries (initdb, postgres) not found in "
            + "/usr/lib/postgresql/<version>/bin or on PATH: install PostgreSQL 15+ "
            + "(Debian/Ubuntu: sudo apt-get install -y postgresql)";

    static final String OS_USER = "postgres";
    private static final Path DEBIAN_VERSIONS = Path.of("/usr/lib/postgresql");
    private static final Pattern VERSION_DIR = Pattern.compile("\\d+");
    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration INITDB_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);
    /** A fast shutdown (pg_ctl -m fast) takes well under a second; SIGKILL after this. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);
    private static final String READY = "database system is ready to accept connections";

    /**
     * How to start the server.
     *
     * @param port TCP port on 127.0.0.1; 0 picks a free one
     * @param dir holds the cluster ({@code pgdata/}), the socket and the log; null means a temp
     *     directory that {@link #close()} deletes. A given directory is kept, and the cluster in
     *     it reused if there is one. As root, its parents must be searchable by the OS user
     *     {@value #OS_USER}.
     * @param database created if missing; lower-case letters, digits and underscores
     * @param logFile server log; null means {@code dir/postgres.log}
     */
    public record Options(int port, Path dir, String database, Path logFile) {

        public Options {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be 0..65535, was " + port);
            }
            if (database == null || !DATABASE_NAME.matcher(database).matches()) {
                throw new IllegalArgumentException("database must be lower-case letters, digits and underscores"
                        + " (at most 63, not starting with a digit), was '" + database + "'");
            }
        }

        /** Free port, temp directory, database {@value #DEFAULT_DATABASE}, log in the directory. */
        public static Options defaults() {
            return new Options(0, null, DEFAULT_DATABASE, null);
        }

        public Options withPort(int port) {
            return new Options(port, dir, database, logFile);
        }

        public Options withDir(Path dir) {
            return new Options(port, dir, database, logFile);
        }

        public Options withDatabase(String database) {
            return new Options(port, dir, database, logFile);
        }

        public Options withLogFile(Path logFile) {
            return new Options(port, dir, database, logFile);
        }
    }

    private final Path bin;
    private final String database;
    /** Empty unless we are root: the command prefix that runs the server as {@link #OS_USER}. */
    private final List<String> asServerUser;

    private PostgresServer(Path bin, List<String> asServerUser, int port, Path dir, boolean ownsDir, String database,
            Path logFile) {
        super("postgres", port, dir, ownsDir, logFile, READY, READY_TIMEOUT, STOP_GRACE);
        this.bin = bin;
        this.asServerUser = asServerUser;
        this.database = database;
    }

    /** Starts a server on a free port with a temp directory; returns once the database exists. */
    public static PostgresServer start() {
        return start(Options.defaults());
    }

    /**
     * Starts a server as {@code options} say (running initdb first unless the directory already
     * holds a cluster); returns once it accepts connections and the database exists, typically
     * after 2-3 s for a new cluster.
     *
     * @throws IllegalStateException if PostgreSQL is not installed (one-line message saying how
     *     to install it), or the server does not start within 30 s (message includes the log tail)
     */
    public static PostgresServer start(Options options) {
        return start(options, PostgresServer::findBinaries);
    }

    static PostgresServer start(Options options, Supplier<Optional<Path>> locator) {
        Path bin = locator.get().orElseThrow(() -> new IllegalStateException(NOT_FOUND));
        List<String> asServerUser = isRoot() ? switchUserPrefix() : List.of();
        boolean ownsDir = options.dir() == null;
        Path dir = ownsDir ? Reaper.createTempDir("streamgate-postgres-") : createDirectories(options.dir());
        Path logFile = options.logFile() != null ? options.logFile().toAbsolutePath() : dir.resolve("postgres.log");
        int port = options.port() != 0 ? options.port() : FreePorts.find();
        PostgresServer server = new PostgresServer(bin, asServerUser, port, dir, ownsDir, options.database(), logFile);
        try {
            server.initCluster(!ownsDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the PostgreSQL directory " + dir, e);
        }
        // On failure launch() has already killed the process; the directory (with the log the
        // exception points to) stays until JVM exit (a temp one) so the failure can be inspected.
        server.launch();
        try {
            server.createDatabase();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** Always {@code "127.0.0.1"}. */
    public String host() {
        return HOST;
    }

    /** The database {@link Options#database()} names (created at start). */
    public String database() {
        return database;
    }

    /** The trusted superuser, {@value #USER}; any password (or none) is accepted. */
    public String user() {
        return USER;
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/<database>}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + HOST + ":" + port() + "/" + database;
    }

    /** A psql command line for this database, to print for people who want to change rows by hand. */
    public String psqlCommand() {
        return bin.resolve("psql") + " -h " + HOST + " -p " + port() + " -U " + USER + " " + database;
    }

    /**
     * Runs SQL with {@code psql} (stops at the first error) and returns its unaligned, tuples-only
     * output, e.g. {@code "logical"} for {@code SHOW wal_level}. For setup and checks without a
     * JDBC driver on the classpath.
     *
     * @throws IllegalStateException with psql's output if it fails
     */
    public String psql(String sql) {
        return runClient(List.of(bin.resolve("psql").toString(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-t", "-A",
                "-h", HOST, "-p", String.valueOf(port()), "-U", USER, "-d", database, "-c", sql)).strip();
    }

    @Override
    public String toString() {
        return "PostgresServer[" + jdbcUrl() + ", dir " + dir() + "]";
    }

    /**
     * Fast shutdown (pg_ctl -m fast: open sessions and replication connections are ended, not
     * waited for), then the usual SIGTERM/SIGKILL for whatever is left. Port and data are kept.
     */
    @Override
    public synchronized void stop() {
        ManagedProcess running = process();
        if (running != null && running.isAlive()) {
            try {
                runAsServerUser(List.of(bin.resolve("pg_ctl").toString(), "stop", "-D", pgdata().toString(),
                        "-m", "fast", "-w", "-t", String.valueOf(STOP_GRACE.toSeconds())), STOP_GRACE.plusSeconds(5));
            } catch (RuntimeException e) {
                // Not fatal: the SIGTERM (smart shutdown) and SIGKILL below still stop it.
            }
        }
        super.stop();
    }

    @Override
    ManagedProcess startProcess() throws IOException {
        List<String> command = asServerUser(List.of(bin.resolve("postgres").toString(),
                "-D", pgdata().toString(),
                "-p", String.valueOf(port()),
                "-c", "listen_addresses=" + HOST,
                "-k", socketDir().toString(),
                "-c", "wal_level=logical",
                "-c", "max_replication_slots=10",
                "-c", "max_wal_senders=10",
                // Debezium's pgoutput reads need no more; keeps a test server's memory small.
                "-c", "shared_buffers=32MB",
                "-c", "max_connections=50"));
        return ManagedProcess.start("postgres-" + port(), command, Map.of(), dir(), logFile());
    }

    @Override
    boolean answers() {
        return Probes.canConnect(HOST, port());
    }

    private Path pgdata() {
        return dir().resolve("pgdata");
    }

    private Path socketDir() {
        return dir().resolve("socket");
    }

    /** Runs initdb unless the directory already holds a cluster; as root, hands the directory to postgres. */
    private void initCluster(boolean keptDir) throws IOException {
        Files.createDirectories(socketDir());
        if (!asServerUser.isEmpty()) {
            checkReachableByServerUser(dir());
            chownToServerUser(dir());
        }
        if (Files.exists(pgdata().resolve("PG_VERSION"))) {
            return;
        }
        List<String> initdb = new ArrayList<>(List.of(bin.resolve("initdb").toString(),
                "-D", pgdata().toString(), "-A", "trust", "-U", USER, "-E", "UTF8", "--locale=C"));
        if (!keptDir) {
            initdb.add("--no-sync"); // a throwaway cluster need not survive a power cut
        }
        ManagedProcess process = ManagedProcess.start("initdb-" + port(), asServerUser(initdb), Map.of(), dir(), logFile());
        Integer exit;
        try {
            exit = process.waitFor(INITDB_TIMEOUT);
        } catch (InterruptedException e) {
            process.kill();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running initdb in " + pgdata(), e);
        }
        if (exit == null || exit != 0) {
            process.kill();
            String outcome = exit == null ? "did not finish within " + INITDB_TIMEOUT.toSeconds() + " s" : "failed (exit " + exit + ")";
            throw Await.failure("initdb in " + pgdata() + " " + outcome, process);
        }
    }

    private void createDatabase() {
        String exists = runClient(List.of(bin.resolve("psql").toString(), "-X", "-t", "-A", "-h", HOST,
                "-p", String.valueOf(port()), "-U", USER, "-d", "postgres",
                "-c", "SELECT 1 FROM pg_database WHERE datname = '" + database + "'")).strip();
        if (!exists.equals("1")) {
            runClient(List.of(bin.resolve("createdb").toString(), "-h", HOST, "-p", String.valueOf(port()),
                    "-U", USER, database));
        }
    }

    private List<String> asServerUser(List<String> command) {
        List<String> wrapped = new ArrayList<>(asServerUser);
        wrapped.addAll(command);
        return wrapped;
    }

    /**
     * setpriv execs in place, so the postmaster stays our direct child and is reaped by this JVM
     * when killed; runuser forks, and a killed postmaster under it lingers as a zombie (whose PID
     * in postmaster.pid blocks a restart) until PID 1 reaps it.
     */
    private static List<String> switchUserPrefix() {
        Optional<Path> setpriv = Executables.find("setpriv");
        if (setpriv.isPresent()) {
            return List.of(setpriv.get().toString(), "--reuid=" + OS_USER, "--regid=" + OS_USER, "--init-groups", "--");
        }
        Path runuser = Executables.find("runuser").orElseThrow(() -> new IllegalStateException(
                "PostgreSQL refuses to run as root, and neither setpriv nor runuser (util-linux) is installed to run it as '"
                        + OS_USER + "'"));
        return List.of(runuser.toString(), "-u", OS_USER, "--");
    }

    private String runAsServerUser(List<String> command, Duration timeout) {
        return run(asServerUser(command), timeout);
    }

    /** Client tools (psql, createdb) run as whoever we are: they connect over TCP, trusted. */
    private String runClient(List<String> command) {
        return run(command, CLIENT_TIMEOUT);
    }

    /** Runs a short command, returns its output (stdout and stderr), throws with it on failure or timeout. */
    private static String run(List<String> command, Duration timeout) {
        String name = Path.of(command.get(0)).getFileName().toString();
        Path output = null;
        try {
            // A file, not a pipe: waitFor's timeout must hold even if the command never closes its output.
            output = Files.createTempFile("streamgate-" + name + "-", ".out");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().put("PGCONNECT_TIMEOUT", "5");
            Process process = builder.start();
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(name + " did not finish within " + timeout.toSeconds() + " s");
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(name + " failed (exit " + process.exitValue() + "): " + text.strip());
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + name, e);
        } finally {
            if (output != null) {
                output.toFile().delete();
            }
        }
    }

    /** The newest {@code /usr/lib/postgresql/<n>/bin} with initdb and postgres, else initdb's directory on PATH. */
    static Optional<Path> findBinaries() {
        Optional<Path> debian = newestVersionBin(DEBIAN_VERSIONS);
        if (debian.isPresent()) {
            return debian;
        }
        return Executables.find("initdb").map(Path::getParent).filter(PostgresServer::hasServerBinaries);
    }

    static Optional<Path> newestVersionBin(Path versions) {
        if (!Files.isDirectory(versions)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(versions)) {
            return dirs.filter(d -> VERSION_DIR.matcher(d.getFileName().toString()).matches())
                    .map(d -> d.resolve("bin"))
                    .filter(PostgresServer::hasServerBinaries)
                    .max(Comparator.comparingInt(b -> Integer.parseInt(b.getParent().getFileName().toString())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean hasServerBinaries(Path bin) {
        return Stream.of("initdb", "postgres", "pg_ctl", "psql")
                .allMatch(name -> Files.isExecutable(bin.resolve(name)));
    }

    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** As root the server runs as postgres, which must be able to walk down to its directory. */
    private static void checkReachableByServerUser(Path dir) throws IOException {
        for (Path parent = dir.getParent(); parent != null; parent = parent.getParent()) {
            if (!Files.getPosixFilePermissions(parent).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                throw new IllegalStateException("PostgreSQL runs as the OS user '" + OS_USER + "', which cannot reach "
                        + dir + ": " + parent + " is not searchable by others (chmod o+x " + parent
                        + ", or use a directory elsewhere)");
            }
        }
    }

    private static void chownToServerUser(Path dir) throws IOException {
        UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal owner = users.lookupPrincipalByName(OS_USER);
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Files.setOwner(path, owner);
            }
        }
    }

    private static Path createDirectories(Path dir) {
        try {
            return Files.createDirectories(dir.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + dir, e);
        }
    }
}
