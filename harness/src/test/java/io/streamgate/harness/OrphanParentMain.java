package io.streamgate.harness;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Child-JVM main for tests: starts a redis-server, a JVM listening on a port and a JVM that
 * ignores SIGTERM, prints "CHILD name pid port" for each and "READY", then waits to be killed.
 * {@code args[0]} is the directory for the children's logs.
 */
public final class OrphanParentMain {

    private OrphanParentMain() {}

    public static void main(String[] args) throws Exception {
        Path logs = Path.of(args[0]);
        RedisServer redis = RedisServer.start();
        report("redis", redis.pid(), redis.port());
        String classpath = System.getProperty("java.class.path");
        for (String name : List.of("listener", "stubborn")) {
            int port = FreePorts.find();
            ManagedProcess child = ManagedProcess.startJavaWithClasspath(name, classpath, List.of("-Xmx32m"),
                    ListenerMain.class.getName(), List.of(String.valueOf(port), name), Map.of(),
                    logs.resolve(name + ".log"));
            report(name, child.pid(), port);
        }
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void report(String name, long pid, int port) {
        System.out.println("CHILD " + name + " " + pid + " " + port);
    }
}
