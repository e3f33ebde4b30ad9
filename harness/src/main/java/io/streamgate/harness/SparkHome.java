package io.streamgate.harness;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Spark installation made from Maven artifacts: {@code jars/} links every jar of the
 * processor's runtime classpath (Spark and the processor's libraries, as the processor image has
 * them), {@code conf/} holds the settings every daemon and {@code spark-submit} read. Spark's own
 * launcher code (the worker starting drivers and executors) needs {@code SPARK_HOME/jars}; this is
 * it, without a download.
 *
 * <p>Thread-safe: immutable once {@link #create}d.
 */
final class SparkHome {
    static final String MODULE = "stream-processor";
    private static final String MODULE_OPTIONS_CLASS = "org.apache.spark.launcher.JavaModuleOptions";

    /**
     * Read by master, workers and spark-submit. The REST submission server would take the fixed
     * port 6066 (shared machine): submissions use the RPC client instead. A worker whose process
     * died is noticed at once (its connection drops); the timeout covers a hung one.
     */
    private static final Map<String, String> DEFAULTS = new TreeMap<>(Map.of(
            "spark.master.rest.enabled", "false",
            "spark.worker.timeout", "10",
            "spark.worker.cleanup.enabled", "false",
            "spark.ui.showConsoleProgress", "false",
            "spark.deploy.retainedDrivers", "20",
            "spark.deploy.retainedApplications", "20"));

    /** Spark's INFO, minus the chatter: daemons' lifecycle lines and the processor's own log. */
    private static final String LOG4J = """
            rootLogger.level = warn
            rootLogger.appenderRef.stderr.ref = console
            appender.console.type = Console
            appender.console.name = console
            appender.console.target = SYSTEM_ERR
            appender.console.layout.type = PatternLayout
            appender.console.layout.pattern = %d{HH:mm:ss.SSS} %p %c{1}: %m%n%ex
            logger.deploy.name = org.apache.spark.deploy
            logger.deploy.level = info
            logger.streamgate.name = io.streamgate
            logger.streamgate.level = info
            """;

    private final Path dir;
    private final List<String> moduleOptions;

    private SparkHome(Path dir, List<String> moduleOptions) {
        this.dir = dir;
        this.moduleOptions = List.copyOf(moduleOptions);
    }

    /** Writes (or rewrites) the installation in {@code dir}. */
    static SparkHome create(Path dir) {
        String classpath = Modules.classpath(MODULE);
        try {
            Path jars = dir.resolve("jars");
            Directories.deleteRecursively(jars);
            Files.createDirectories(jars);
            Path launcher = null;
            for (String entry : classpath.split(File.pathSeparator)) {
                Path jar = Path.of(entry);
                if (!entry.endsWith(".jar")) {
                    continue; // target/classes: the application comes as its jar, submitted
                }
                Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar.toAbsolutePath());
                if (jar.getFileName().toString().startsWith("spark-launcher_")) {
                    launcher = jar;
                }
            }
            if (launcher == null) {
                throw new IllegalStateException("no spark-launcher jar on the " + MODULE + " classpath");
            }
            Path conf = Files.createDirectories(dir.resolve("conf"));
            StringBuilder defaults = new StringBuilder("# Written by streamgate-harness.\n");
            DEFAULTS.forEach((key, value) -> defaults.append(key).append(' ').append(value).append('\n'));
            Files.writeString(conf.resolve("spark-defaults.conf"), defaults, StandardCharsets.UTF_8);
            Files.writeString(conf.resolve("log4j2.properties"), LOG4J, StandardCharsets.UTF_8);
            Files.createDirectories(dir.resolve("local"));
            return new SparkHome(dir.toAbsolutePath(), moduleOptions(launcher));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write a Spark installation in " + dir, e);
        }
    }

    Path dir() {
        return dir;
    }

    /** {@code conf/} first (log4j2.properties), then every jar. */
    String classpath() {
        return dir.resolve("conf") + File.pathSeparator + dir.resolve("jars") + File.separator + "*";
    }

    /** The {@code --add-opens} flags Spark needs on Java 17, from the launcher jar of this Spark. */
    List<String> moduleOptions() {
        return moduleOptions;
    }

    /** Heap, collector and module options for a Spark JVM. */
    List<String> jvmOptions(String maxHeap) {
        List<String> options = new ArrayList<>(List.of("-Xmx" + maxHeap, "-XX:+UseSerialGC"));
        options.addAll(moduleOptions);
        return options;
    }

    /** What Spark's scripts would export: where it is, and that everything stays on loopback. */
    Map<String, String> environment() {
        return Map.of(
                "SPARK_HOME", dir.toString(),
                "SPARK_CONF_DIR", dir.resolve("conf").toString(),
                "SPARK_SCALA_VERSION", "2.13",
                "SPARK_LOCAL_IP", LocalService.HOST,
                "SPARK_LOCAL_DIRS", dir.resolve("local").toString());
    }

    private static List<String> moduleOptions(Path launcherJar) throws IOException {
        URL[] urls = {launcherJar.toUri().toURL()};
        try (URLClassLoader loader = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
            Object options = loader.loadClass(MODULE_OPTIONS_CLASS).getMethod("defaultModuleOptionArray").invoke(null);
            return Arrays.asList((String[]) options);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("cannot read Spark's JVM options from " + launcherJar + ": " + e, e);
        }
    }
}
