package io.streamgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamgate.harness.Modules;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code streamgate} script's exec_java, run in the background of a bash script as
 * {@code ./streamgate demo &} would be: kill -INT stops the JVM, where plain {@code java &}
 * ignores SIGINT. Linux only: reads the ignored-signal mask from /proc.
 */
class LauncherSignalsTest {
  private static final long SIGINT_BIT = 1L << 1; // bit n-1 for signal n
  private static final Pattern SIG_IGN = Pattern.compile("SigIgn:\\s*([0-9a-f]+)");
  /**
   * Args: the streamgate script, "launcher" or "plain", the probe's log, its classpath. Starts
   * the probe as a background job, waits for it, prints its pid and ignored-signal mask, sends
   * SIGINT (launcher) or SIGTERM (plain: SIGINT would be ignored) and prints its exit status
   * (SIGKILL after 20 s).
   * The job is a new bash, as {@code ./streamgate demo &} is: one that starts with SIGINT
   * ignored. (A function run with & in this shell would not do: bash's exec restores the
   * signals the shell itself started with.)
   */
  private static final String SCRIPT = """
      streamgate=$1 mode=$2 log=$3 cp=$4
      if [[ $mode == launcher ]]; then
        bash -c 'source "$1"; shift; exec_java "$@"' launcher "$streamgate" \\
          -cp "$cp" io.streamgate.cli.SigintProbeMain >"$log" 2>&1 &
      else
        bash -c 'exec java "$@"' bash -cp "$cp" io.streamgate.cli.SigintProbeMain >"$log" 2>&1 &
      fi
      pid=$!
      for ((i = 0; i < 300; i++)); do grep -q '^ready' "$log" && break; sleep 0.1; done
      echo "job $pid"
      grep SigIgn "/proc/$pid/status"
      if [[ $mode == launcher ]]; then kill -INT "$pid"; else kill -TERM "$pid"; fi
      running() { [[ -e /proc/$pid && $(cut -d' ' -f3 "/proc/$pid/stat") != Z ]]; }
      for ((i = 0; i < 200; i++)); do running || break; sleep 0.1; done
      if running; then echo "still running after 20 s"; kill -KILL "$pid"; fi
      status=0
      wait "$pid" || status=$?
      echo "exit $status"
      """;

  @TempDir
  static Path temp;

  @BeforeAll
  static void linux() {
    assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "needs /proc (Linux)");
  }

  @Test
  void sigintStopsTheJvmStartedInTheBackgroundOfAScript() throws Exception {
    Run run = run("launcher");
    assertEquals(run.job(), run.probePid(), "perl and java exec'd in place of the job: " + run);
    assertEquals(0, run.ignored() & SIGINT_BIT, "SIGINT not ignored: " + run);
    assertEquals(130, run.exit(), "ended by SIGINT: " + run);
    assertTrue(run.probeLog().contains("stopped"), "shutdown hooks ran: " + run);
  }

  @Test
  void plainJavaInTheBackgroundOfAScriptIgnoresSigint() throws Exception {
    // What exec_java is for: without it the JVM inherits an ignored SIGINT.
    Run run = run("plain");
    assertEquals(SIGINT_BIT, run.ignored() & SIGINT_BIT, "SIGINT ignored: " + run);
    assertEquals(143, run.exit(), run.toString());
  }

  private record Run(long job, long probePid, long ignored, int exit, String output, String probeLog) {}

  private static Run run(String mode) throws Exception {
    Path script = Files.writeString(temp.resolve("background-" + mode + ".sh"), SCRIPT);
    Path probeLog = temp.resolve(mode + "-probe.log");
    Path output = temp.resolve(mode + ".out");
    String classpath = Path.of(SigintProbeMain.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .toString();
    ProcessBuilder builder = new ProcessBuilder("bash", script.toString(),
        Modules.root().resolve("streamgate").toString(), mode, probeLog.toString(), classpath)
        .redirectErrorStream(true)
        .redirectOutput(output.toFile());
    // The script's java is the first on PATH: make it this JVM's. Should sourcing ever run the
    // script's main, a failing mvn keeps it from installing into ~/.m2.
    Path javaBin = Path.of(System.getProperty("java.home"), "bin");
    Path noMaven = Files.createDirectories(temp.resolve("no-maven"));
    Path mvn = Files.writeString(noMaven.resolve("mvn"), "#!/bin/sh\necho 'mvn must not run here' >&2; exit 97\n");
    assertTrue(mvn.toFile().setExecutable(true));
    builder.environment().put("PATH", javaBin + File.pathSeparator + noMaven + File.pathSeparator + System.getenv("PATH"));
    Process bash = builder.start();
    List<ProcessHandle> started = new ArrayList<>();
    try {
      if (!bash.waitFor(60, TimeUnit.SECONDS)) {
        bash.descendants().forEach(started::add);
        throw new AssertionError("the script did not finish in 60 s: " + Files.readString(output));
      }
    } finally {
      started.forEach(ProcessHandle::destroyForcibly);
      bash.destroyForcibly();
    }
    String out = Files.readString(output);
    String log = Files.exists(probeLog) ? Files.readString(probeLog) : "";
    return new Run(number(out, "job (\\d+)"), number(log, "ready (\\d+)"),
        Long.parseLong(match(out, SIG_IGN), 16), (int) number(out, "exit (\\d+)"), out, log);
  }

  private static long number(String text, String regex) {
    return Long.parseLong(match(text, Pattern.compile(regex)));
  }

  private static String match(String text, Pattern pattern) {
    Matcher m = pattern.matcher(text);
    if (!m.find()) {
      throw new AssertionError("no " + pattern + " in: " + text);
    }
    return m.group(1);
  }
}
