package io.streamgate.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Children outlive no parent: the orphan watch ends them when their JVM dies without its hooks. */
class OrphanWatchTest {

    private static final Pattern CHILD = Pattern.compile("CHILD (\\S+) (\\d+) (\\d+)");
    /** SIGTERM, up to the grace period, SIGKILL, and slack for a loaded machine. */
    private static final Duration ORPHAN_DEADLINE = ManagedProcess.ORPHAN_GRACE.plusSeconds(10);

    @TempDir
    Path temp;

    @Test
    void childrenOfASigkilledJvmExitAndFreeTheirPorts() throws Exception {
        Path log = temp.resolve("parent.log");
        ManagedProcess parent = ManagedProcess.startJavaWithClasspath("orphan-parent", classpath(), List.of("-Xmx64m"),
                OrphanParentMain.class.getName(), List.of(temp.toString()), Map.of(), log);
        try {
            await("the parent to start its children", Duration.ofSeconds(60), parent,
                    () -> LogTail.containsSince(log, 0, "READY"));
            List<Child> children = children(log);
            assertEquals(List.of("redis", "listener", "stubborn"), children.stream().map(Child::name).toList());
            await("every child to listen", Duration.ofSeconds(30), parent,
                    () -> children.stream().allMatch(c -> TestSockets.accepts(c.port())));
            // The watches and anything else the children started must go too.
            List<ProcessHandle> everything = new ArrayList<>();
            for (Child child : children) {
                ProcessHandle handle = ProcessHandle.of(child.pid()).orElseThrow();
                everything.add(handle);
                everything.addAll(handle.descendants().toList());
            }
            for (Child child : children) {
                assertEquals(1, watches(child.pid()).size(), child + " has its watch");
            }

            // Only the parent: ManagedProcess.kill() would kill its descendants itself.
            ProcessHandle.of(parent.pid()).orElseThrow().destroyForcibly();

            long started = System.nanoTime();
            awaitTrue("the orphans to exit", ORPHAN_DEADLINE,
                    () -> everything.stream().noneMatch(ManagedProcess::running));
            awaitTrue("their ports to be free", Duration.ofSeconds(5),
                    () -> children.stream().allMatch(c -> TestSockets.bindable(c.port())));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertTrue(took.compareTo(ManagedProcess.ORPHAN_GRACE) >= 0,
                    "the stubborn child had its grace period before SIGKILL, took " + took);
            assertTrue(Files.readString(temp.resolve("listener.log")).contains("stopping"),
                    "SIGTERM first: the listener ran its shutdown hook");
        } finally {
            parent.kill();
        }
    }

    @Test
    void childExitingOnItsOwnTakesItsWatchAlong() throws Exception {
        Path go = temp.resolve("go");
        // stdin is /dev/null, not the watch's pipe: read gets EOF at once (status 1).
        ManagedProcess shell = ManagedProcess.start("shell", List.of("sh", "-c",
                "read line; echo \"read: $?\"; while [ ! -e \"$GO\" ]; do sleep 0.05; done"),
                Map.of("GO", go.toString()), null, temp.resolve("shell.log"));
        await("the shell to read stdin", Duration.ofSeconds(10), shell,
                () -> LogTail.containsSince(shell.logFile(), 0, "read: 1"));
        List<ProcessHandle> watch = watches(shell.pid());
        assertEquals(1, watch.size(), "one watch");

        Files.createFile(go);
        assertEquals(0, shell.waitFor(Duration.ofSeconds(10)), shell.tail(5));
        awaitTrue("the watch to exit", Duration.ofSeconds(10), () -> watch.stream().noneMatch(ManagedProcess::running));
    }

    @Test
    void perlStartsTheSessionWhereSetsidIsMissing() throws Exception {
        Optional<Path> perl = Executables.find("perl");
        assumeTrue(perl.isPresent(), "perl not installed");
        List<String> session = ManagedProcess.newSession(Optional.empty(), perl);
        ManagedProcess sleep = ManagedProcess.start("sleep", List.of("sleep", "60"), Map.of(), null,
                temp.resolve("sleep.log"), session);
        try {
            awaitTrue("sleep to be exec'd", Duration.ofSeconds(10), () -> "sleep".equals(command(sleep.pid())));
            assertEquals(String.valueOf(sleep.pid()), ManagedProcessTest.sessionOf(sleep.pid()), "leads its own session");
            // The watch is started next to the child, maybe after it was exec'd: wait for it.
            awaitTrue("the watch to start", Duration.ofSeconds(10), () -> watches(sleep.pid()).size() == 1);
        } finally {
            sleep.stop(Duration.ofSeconds(5));
        }
    }

    private record Child(String name, long pid, int port) {}

    private static List<Child> children(Path log) throws Exception {
        List<Child> children = new ArrayList<>();
        Matcher line = CHILD.matcher(Files.readString(log));
        while (line.find()) {
            children.add(new Child(line.group(1), Long.parseLong(line.group(2)), Integer.parseInt(line.group(3))));
        }
        return children;
    }

    /** The orphan watches among the descendants of {@code pid}. */
    private static List<ProcessHandle> watches(long pid) {
        return ProcessHandle.of(pid).orElseThrow().descendants()
                .filter(p -> p.info().arguments().map(List::of).orElse(List.of()).contains("streamgate-orphan-watch"))
                .toList();
    }

    private static String command(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().command())
                .map(c -> Path.of(c).getFileName().toString()).orElse("?");
    }

    private static void await(String what, Duration timeout, ManagedProcess process, BooleanSupplier condition) {
        Await.ready(what, timeout, process, condition);
    }

    private static void awaitTrue(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static String classpath() throws Exception {
        Path main = Path.of(ManagedProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path test = Path.of(OrphanWatchTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return main + File.pathSeparator + test;
    }
}
