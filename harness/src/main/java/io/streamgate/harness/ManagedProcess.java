package io.streamgate.harness;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A child process with output appended to a log file, stopped on close, and stopped on JVM exit
 * (shutdown hook) so nothing is left running; if this JVM dies without running its hooks
 * (SIGKILL, crash), an orphan watch next to the child stops it within {@link #ORPHAN_GRACE}.
 *
 * <p>Stopping also covers the process's descendants (e.g. a shell's children).
 *
 * <p>Thread-safe: {@link #stop} and {@link #kill} may be called from any thread, any number of
 * times; concurrent calls are serialized.
 */
public final class ManagedProcess implements AutoCloseable {

    private static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);
    /** How long to wait for the kernel to reap processes after SIGKILL. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);
    /** Longer classpaths go through an @argfile: Linux caps one argument at 128 KiB. */
    private static final int MAX_CLASSPATH_ARG = 100_000;
    private static final long POLL_MILLIS = 20;
    /**
     * How long an orphaned child gets between SIGTERM and SIGKILL. All children of a dead JVM
     * stop at once, so a client may hang on a service already gone (Spark on its broker).
     */
    static final Duration ORPHAN_GRACE = Duration.ofSeconds(5);

    /**
     * Puts the child in a session of its own, exec'ing in place so the pid is kept: util-linux or
     * busybox {@code setsid}, else perl's (macOS has perl but no setsid), else nothing.
     */
    private static final List<String> NEW_SESSION = newSession(Executables.find("setsid"), Executables.find("perl"));
    private static final String SHELL = "/bin/sh";
    /**
     * Run by {@value #SHELL} inside the new session, as
     * {@code sh -c LAUNCH streamgate-launch WATCH TENTHS command...}: starts the orphan watch
     * ({@link #WATCH}) on the pipe this JVM holds on the shell's stdin, then execs the command
     * (same pid) with stdin from /dev/null, so the command never sees the pipe. The watch runs
     * {@code sh -c} afresh so that {@code ps} shows a short line for it.
     */
    private static final String LAUNCH = "exec 3<&0; "
            + "(exec " + SHELL + " -c \"$1\" streamgate-orphan-watch \"$$\" \"$2\" <&3 3<&-) & "
            + "shift 2; exec \"$@\" </dev/null 3<&-";
    /**
     * The orphan watch, {@code sh -c WATCH name PGID TENTHS}: blocks reading the pipe until EOF,
     * which comes when this JVM's end closes: when the child exits (see {@link #start}), or
     * when this JVM exits in any way, SIGKILL included, since the kernel closes a dead process's
     * descriptors. Then SIGTERM to the child's process group (the watch itself ignores it),
     * SIGKILL once the child is gone or after TENTHS tenths of a second: that ends the watch too,
     * and any descendant the child left behind. While the watch lives in the group its id stays
     * reserved, so the signals can never reach a process that reused the child's pid.
     * A normal stop SIGTERMs the watch with the rest of the tree (it is the child's child).
     */
    private static final String WATCH = """
            while read -r line; do :; done
            trap '' TERM
            kill -TERM -"$1" 2>/dev/null
            i=0
            while kill -0 "$1" 2>/dev/null && [ "$i" -lt "$2" ]; do sleep 0.1; i=$((i + 1)); done
            kill -KILL -"$1" 2>/dev/null
            """;

    private final String name;
    private final Process process;
    private final Path logFile;
    // The write end of the orphan watch's pipe, held (never written) until the child exits; null
    // without a watch. Kept in a field so that it lives exactly as long as this object.
    private final OutputStream watchPipe;
    // Every descendant ever seen: once the parent exits its children are re-parented and no
    // longer show up in descendants(), but must still be stopped.
    private final Set<ProcessHandle> known = ConcurrentHashMap.newKeySet();

    private ManagedProcess(String name, Process process, Path logFile, OutputStream watchPipe) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        this.watchPipe = watchPipe;
    }

    /**
     * Starts {@code java} (same {@code java.home} as this JVM) with module {@code module}'s runtime
     * classpath ({@link Modules#classpath}), the given JVM options, main class and args.
     * stdout and stderr go to {@code logFile} (appended); {@code env} entries are added to the
     * child's environment.
     */
    public static ManagedProcess startJava(String name, String module, List<String> jvmOptions, String mainClass,
            List<String> args, Map<String, String> env, Path logFile) throws IOException {
        return startJavaWithClasspath(name, Modules.classpath(module), jvmOptions, mainClass, args, env, logFile);
    }

    static ManagedProcess startJavaWithClasspath(String name, String classpath, List<String> jvmOptions,
            String mainClass, List<String> args, Map<String, String> env, Path logFile) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        Path argFile = null;
        if (classpath.length() > MAX_CLASSPATH_ARG) {
            argFile = classpathArgFile(classpath);
            command.add("@" + argFile);
        } else {
            command.add("-cp");
            command.add(classpath);
        }
        command.add(mainClass);
        command.addAll(args);
        ManagedProcess started = start(name, command, env, null, logFile);
        if (argFile != null) {
            Path toDelete = argFile;
            started.process.onExit().thenRun(() -> toDelete.toFile().delete());
        }
        return started;
    }

    /**
     * Starts any command; stdout and stderr go to {@code logFile} (appended, parent directories
     * created). {@code env} entries (may be null) are added to the inherited environment;
     * {@code workDir} null means this JVM's working directory.
     */
    public static ManagedProcess start(String name, List<String> command, Map<String, String> env, Path workDir,
            Path logFile) throws IOException {
        return start(name, command, env, workDir, logFile, NEW_SESSION);
    }

    /** {@link #start} with the given new-session prefix; empty means no session and no orphan watch. */
    static ManagedProcess start(String name, List<String> command, Map<String, String> env, Path workDir,
            Path logFile, List<String> newSession) throws IOException {
        Objects.requireNonNull(name, "name");
        Path log = logFile.toAbsolutePath();
        Files.createDirectories(log.getParent());
        writeHeader(log, name, command);
        ProcessBuilder builder = new ProcessBuilder(launch(command, newSession))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        if (workDir != null) {
            builder.directory(workDir.toFile());
        }
        if (env != null) {
            builder.environment().putAll(env);
        }
        Process process = builder.start();
        OutputStream watchPipe = process.getOutputStream();
        if (newSession.isEmpty()) {
            // No watch: the child's stdin gets EOF rather than a pipe nobody ever writes to.
            watchPipe.close();
            watchPipe = null;
        }
        ManagedProcess managed = new ManagedProcess(name, process, log, watchPipe);
        Reaper.register(managed);
        process.onExit().thenRun(() -> {
            Reaper.unregister(managed);
            managed.closeWatchPipe();
        });
        return managed;
    }

    /**
     * The command in a session of its own, under an orphan watch ({@link #LAUNCH}). Ctrl-C in a
     * terminal signals the whole foreground process group at once; our children must not get it,
     * so that their parent can stop them in order (clients before the services they use). Every
     * step execs in place (setsid does when the caller is not a group leader), so the pid is the
     * command's. Without a way to start a session, the command runs as is, unwatched: the watch
     * signals the child's process group, which must then be the child's own.
     */
    static List<String> launch(List<String> command, List<String> newSession) {
        if (newSession.isEmpty()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(newSession);
        wrapped.addAll(List.of(SHELL, "-c", LAUNCH, "streamgate-launch", WATCH,
                String.valueOf(ORPHAN_GRACE.toMillis() / 100)));
        wrapped.addAll(command);
        return wrapped;
    }

    /** The prefix that starts a new session, from {@code setsid} or {@code perl}; empty if neither. */
    static List<String> newSession(Optional<Path> setsid, Optional<Path> perl) {
        if (setsid.isPresent()) {
            return List.of(setsid.get().toString());
        }
        if (perl.isPresent()) {
            return List.of(perl.get().toString(), "-MPOSIX", "-e",
                    "POSIX::setsid() or die \"setsid: $!\\n\"; exec { $ARGV[0] } @ARGV or die \"exec $ARGV[0]: $!\\n\"",
                    "--");
        }
        return List.of();
    }

    /** The name given at start, used in logs and error messages. */
    public String name() {
        return name;
    }

    /** OS process id. */
    public long pid() {
        return process.pid();
    }

    /** Whether the process itself (not its descendants) is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The log file that receives stdout and stderr. */
    public Path logFile() {
        return logFile;
    }

    /**
     * Sends SIGTERM to the process and its descendants, waits up to {@code grace} for all of
     * them to exit, then SIGKILLs whatever is left. Returns once everything is gone (or after a
     * further few seconds if the kernel is slow to reap).
     */
    public synchronized void stop(Duration grace) {
        terminate();
        awaitOrKill(Instant.now().plus(grace));
    }

    /** SIGKILL immediately, process and descendants (for crash tests); waits until they are gone. */
    public synchronized void kill() {
        List<ProcessHandle> tree = tree();
        tree.forEach(ProcessHandle::destroyForcibly);
        awaitExit(Instant.now().plus(KILL_WAIT));
    }

    /** The live descendants (children, their children…), e.g. what a Spark worker launched. */
    List<ProcessHandle> descendants() {
        return process.descendants().filter(ProcessHandle::isAlive).toList();
    }

    /** Last {@code lines} lines of the log, for error messages when a service fails to start. */
    public String tail(int lines) {
        return LogTail.lastLines(logFile, lines);
    }

    /** Same as {@code stop(Duration.ofSeconds(10))}. */
    @Override
    public void close() {
        stop(DEFAULT_GRACE);
    }

    @Override
    public String toString() {
        return "ManagedProcess[" + name + ", pid " + pid() + (isAlive() ? ", alive" : ", exited") + "]";
    }

    /** Exit code, waiting up to {@code timeout}; null if still running then. */
    Integer waitFor(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
    }

    /** SIGTERM to the whole tree, without waiting; the shutdown hook signals all processes first. */
    void terminate() {
        tree().forEach(ProcessHandle::destroy);
    }

    /** Waits until {@code deadline} for the tree to exit, then SIGKILLs what is left. */
    void awaitOrKill(Instant deadline) {
        tree(); // remember current descendants before the parent's exit orphans them
        if (!awaitExit(deadline)) {
            kill();
        }
    }

    /** The process and every descendant seen so far, alive or not. */
    private List<ProcessHandle> tree() {
        process.descendants().forEach(known::add);
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(process.toHandle());
        tree.addAll(known);
        return tree;
    }

    /** Whether the process and every known descendant exited by {@code deadline}. */
    private boolean awaitExit(Instant deadline) {
        // Polled: for non-children ProcessHandle.onExit() polls too, but backs off to seconds.
        // Our own child is reaped by the JDK at once, so Process.isAlive() is exact for it.
        while (process.isAlive() || known.stream().anyMatch(ManagedProcess::running)) {
            if (Instant.now().isAfter(deadline)) {
                return false;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /**
     * Alive and not a zombie. An orphaned descendant is reaped by PID 1, which in containers may
     * take seconds; a zombie already holds no ports or files, so waiting for the reap is pointless.
     */
    static boolean running(ProcessHandle handle) {
        if (!handle.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(handle.pid()), "stat"));
            // Format: "pid (comm) state ..."; comm may contain spaces and parentheses.
            int end = stat.lastIndexOf(')');
            return end < 0 || end + 2 >= stat.length() || stat.charAt(end + 2) != 'Z';
        } catch (IOException | RuntimeException e) {
            return handle.isAlive(); // no /proc (macOS) or the process just vanished
        }
    }

    private void closeWatchPipe() {
        if (watchPipe != null) {
            try {
                watchPipe.close();
            } catch (IOException e) {
                // Nothing to do: the watch sees EOF either way once this JVM exits.
            }
        }
    }

    private static void writeHeader(Path log, String name, List<String> command) throws IOException {
        // Abbreviate huge arguments (classpaths) so the log stays readable.
        String shown = command.stream()
                .map(arg -> arg.length() > 200 ? arg.substring(0, 80) + "...<" + arg.length() + " chars>" : arg)
                .collect(Collectors.joining(" "));
        String header = "---- [streamgate-harness] " + Instant.now() + " starting " + name + ": " + shown
                + System.lineSeparator();
        Files.writeString(log, header, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static Path classpathArgFile(String classpath) throws IOException {
        Path file = Files.createTempFile("streamgate-classpath-", ".args");
        file.toFile().deleteOnExit();
        // @argfile syntax: a quoted token, backslash escapes inside quotes.
        String quoted = classpath.replace("\\", "\\\\").replace("\"", "\\\"");
        Files.writeString(file, "-cp \"" + quoted + "\"" + System.lineSeparator(), StandardCharsets.UTF_8);
        return file;
    }
}
