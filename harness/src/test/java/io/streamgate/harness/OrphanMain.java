package io.streamgate.harness;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Child-JVM main for tests: starts {@code sleep 60} and exits without stopping it, so the
 * harness's shutdown hook is the only thing that can.
 */
public final class OrphanMain {

    private OrphanMain() {}

    public static void main(String[] args) throws Exception {
        ManagedProcess sleeper = ManagedProcess.start("orphan", List.of("sleep", "60"), Map.of(), null, Path.of(args[0]));
        System.out.println("PID " + sleeper.pid());
    }
}
