package io.streamgate.harness;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Child-JVM main for tests: starts services "first" then "second", each writing its name to a
 * shared file when it gets SIGTERM, and exits; the shutdown hook must stop "second" first.
 */
public final class StopOrderMain {

    private StopOrderMain() {}

    public static void main(String[] args) throws Exception {
        Path record = Path.of(args[0]);
        for (String name : List.of("first", "second")) {
            String script = "trap 'echo " + name + " >> \"$RECORD\"; exit 0' TERM; "
                    + "echo started; while true; do sleep 0.05; done";
            ManagedProcess.start(name, List.of("sh", "-c", script), Map.of("RECORD", record.toString()), null,
                    Path.of(args[1]));
        }
        // Let both shells install their traps before the JVM exits.
        Thread.sleep(500);
    }
}
