package io.streamgate.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManagedProcessTest {

    @TempDir
    Path temp;

    @Test
    void stopTerminatesTheChild() throws Exception {
        ManagedProcess sleep = ManagedProcess.start("sleep", List.of("sleep", "60"), Map.of(), null, log());
        assertTrue(sleep.isAlive());

        long started = System.nanoTime();
        sleep.stop(Duration.ofSeconds(5));

        assertFalse(sleep.isAlive());
        assertTrue(elapsed(started).toMillis() < 4000, "SIGTERM ends sleep at once, took " + elapsed(started));
        sleep.stop(Duration.ofSeconds(1)); // idempotent
        sleep.close();
    }

    @Test
    void stopEscalatesToSigkillForTheWholeTree() throws Exception {
        // The shell and its sleep both ignore SIGTERM (an ignored signal stays ignored across exec).
        ManagedProcess stubborn = ManagedProcess.start("stubborn",
                List.of("sh", "-c", "trap '' TERM; sleep 60 & wait"), Map.of(), null, log());
        List<ProcessHandle> children = awaitChildren(stubborn);

        stubborn.stop(Duration.ofMillis(300));

        assertFalse(stubborn.isAlive());
        children.forEach(child -> assertFalse(ManagedProcess.running(child), "descendant " + child.pid() + " killed"));
    }

    @Test
    void killEndsProcessAndDescendantsImmediately() throws Exception {
        ManagedProcess shell = ManagedProcess.start("shell", List.of("sh", "-c", "sleep 60 & wait"), Map.of(), null, log());
        List<ProcessHandle> children = awaitChildren(shell);

        long started = System.nanoTime();
        shell.kill();

        assertFalse(shell.isAlive());
        children.forEach(child -> assertFalse(ManagedProcess.running(child), "descendant " + child.pid() + " killed"));
        assertTrue(elapsed(started).toMillis() < 1000, "took " + elapsed(started));
    }

    @Test
    void tailReturnsTheLastLinesOfStdoutAndStderr() throws Exception {
        Path log = log();
        ManagedProcess first = ManagedProcess.start("first", List.of("sh", "-c", "echo earlier"), Map.of(), null, log);
        assertEquals(0, first.waitFor(Duration.ofSeconds(10)));
        ManagedProcess lines = ManagedProcess.start("lines",
                List.of("sh", "-c", "for i in 1 2 3 4 5; do echo line$i; done; echo oops >&2"), Map.of(), null, log);
        assertEquals(0, lines.waitFor(Duration.ofSeconds(10)));

        assertEquals("line4\nline5\noops", lines.tail(3));
        assertEquals("", lines.tail(0));
        String all = Files.readString(log);
        assertTrue(all.contains("earlier"), "log is appended to, not replaced: " + all);
        assertTrue(all.contains("starting lines"), "a header marks each start: " + all);
    }

    @Test
    void tailOfAHugeLogReadsOnlyItsEnd() throws Exception {
        Path log = temp.resolve("huge.log");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 200_000; i++) {
            text.append("line ").append(i).append('\n');
        }
        Files.writeString(log, text);

        assertEquals("line 199997\nline 199998\nline 199999", LogTail.lastLines(log, 3));
        assertEquals(5000, LogTail.lastLines(log, 5000).split("\n").length);
    }

    @Test
    void envAndWorkDirReachTheChild() throws Exception {
        Path work = Files.createDirectories(temp.resolve("work")).toRealPath();
        ManagedProcess echo = ManagedProcess.start("echo", List.of("sh", "-c", "echo \"$GREETING from $(pwd)\""),
                Map.of("GREETING", "hi"), work, log());
        assertEquals(0, echo.waitFor(Duration.ofSeconds(10)));

        assertEquals("hi from " + work, echo.tail(1));
    }

    @Test
    void javaChildWithAHugeClasspathGoesThroughAnArgFile() throws Exception {
        // Past Linux's 128 KiB limit for one argument; missing entries are ignored by the JVM.
        String padding = String.join(File.pathSeparator, java.util.Collections.nCopies(8000, "/nonexistent/lib.jar"));
        String classpath = harnessClasspath() + File.pathSeparator + padding;
        ManagedProcess java = ManagedProcess.startJavaWithClasspath("echo-java", classpath, List.of("-Xmx32m"),
                EchoMain.class.getName(), List.of("a", "b"), Map.of(), log());

        assertEquals(0, java.waitFor(Duration.ofSeconds(30)), java.tail(20));
        assertEquals("echo: a b", java.tail(1));
    }

    @Test
    void shutdownHookStopsChildrenTheJvmLeftRunning() throws Exception {
        Path log = log();
        ManagedProcess parent = ManagedProcess.startJavaWithClasspath("orphan-parent", harnessClasspath(),
                List.of("-Xmx32m"), OrphanMain.class.getName(), List.of(temp.resolve("orphan.log").toString()),
                Map.of(), log);
        assertEquals(0, parent.waitFor(Duration.ofSeconds(30)), parent.tail(20));

        Matcher pid = Pattern.compile("PID (\\d+)").matcher(Files.readString(log));
        assertTrue(pid.find(), parent.tail(20));
        ProcessHandle orphan = ProcessHandle.of(Long.parseLong(pid.group(1))).orElse(null);
        assertTrue(orphan == null || !ManagedProcess.running(orphan), "sleep " + pid.group(1) + " outlived its JVM");
    }

    @Test
    void shutdownHookStopsTheLastStartedFirst() throws Exception {
        Path record = temp.resolve("stopped.txt");
        ManagedProcess parent = ManagedProcess.startJavaWithClasspath("order-parent", harnessClasspath(),
                List.of("-Xmx32m"), StopOrderMain.class.getName(), List.of(record.toString(), log().toString()),
                Map.of(), log());
        assertEquals(0, parent.waitFor(Duration.ofSeconds(30)), parent.tail(20));
        assertEquals(List.of("second", "first"), Files.readAllLines(record));
    }

    @Test
    void childRunsInItsOwnSessionSoTerminalSignalsSkipIt() throws Exception {
        ManagedProcess sleep = ManagedProcess.start("sleep", List.of("sleep", "60"), Map.of(), null, log());
        try {
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!"sleep".equals(commandOf(sleep.pid())) && System.nanoTime() < deadline) {
                Thread.sleep(10); // setsid execs the command in place, a moment after start
            }
            assertEquals("sleep", commandOf(sleep.pid()), "setsid kept the pid");
            assertEquals(String.valueOf(sleep.pid()), sessionOf(sleep.pid()), "leads its own session");
        } finally {
            sleep.kill();
        }
    }

    private static String commandOf(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().command())
                .map(c -> Path.of(c).getFileName().toString()).orElse("?");
    }

    /** Session id, field 6 of /proc/PID/stat (after the parenthesised command). */
    static String sessionOf(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3];
    }

    private Path log() {
        return temp.resolve("logs").resolve("p" + System.nanoTime() + ".log");
    }

    /** The descendants once the shell's sleep is among them (the orphan watch comes first). */
    private static List<ProcessHandle> awaitChildren(ManagedProcess process) throws InterruptedException {
        ProcessHandle handle = ProcessHandle.of(process.pid()).orElseThrow();
        for (int i = 0; i < 100; i++) {
            List<ProcessHandle> children = handle.descendants().toList();
            if (children.stream().anyMatch(child -> "sleep".equals(commandOf(child.pid())))) {
                return children;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no sleep under " + process + " appeared");
    }

    private static String harnessClasspath() throws Exception {
        Path main = Path.of(ManagedProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path test = Path.of(EchoMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertNotNull(main);
        return main + File.pathSeparator + test;
    }

    private static Duration elapsed(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
