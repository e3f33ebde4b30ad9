package io.streamgate.cli.demo;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * JVM options for the Spark processor. Spark needs {@code --add-opens} flags on Java 17+; its
 * own launcher keeps the list in {@code org.apache.spark.launcher.JavaModuleOptions}, so we ask
 * the spark-launcher jar on the processor's classpath for it instead of keeping a copy that goes
 * stale when Spark is upgraded. Stateless.
 */
final class ProcessorJvm {
  private static final String OPTIONS_CLASS = "org.apache.spark.launcher.JavaModuleOptions";
  private static final List<String> MEMORY = List.of("-Xms512m", "-Xmx1536m", "-XX:+UseG1GC");

  private ProcessorJvm() {}

  /**
   * Heap settings plus Spark's module options, read from the spark-launcher jar listed in
   * {@code <root>/stream-processor/target/runtime-classpath.txt}.
   */
  static List<String> options(Path root) throws IOException {
    List<String> options = new ArrayList<>(MEMORY);
    options.addAll(sparkModuleOptions(root.resolve("stream-processor/target/runtime-classpath.txt")));
    return options;
  }

  static List<String> sparkModuleOptions(Path classpathFile) throws IOException {
    if (!Files.isRegularFile(classpathFile)) {
      throw new IOException(classpathFile + " is missing: build the processor first (mvn -DskipTests install)");
    }
    String launcherJar = Arrays.stream(Files.readString(classpathFile).strip().split(File.pathSeparator))
        .filter(entry -> Path.of(entry).getFileName().toString().startsWith("spark-launcher_"))
        .findFirst()
        .orElseThrow(() -> new IOException("no spark-launcher jar in " + classpathFile));
    URL[] urls = {Path.of(launcherJar).toUri().toURL()};
    try (URLClassLoader loader = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
      Object options = loader.loadClass(OPTIONS_CLASS).getMethod("defaultModuleOptionArray").invoke(null);
      return List.of((String[]) options);
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IOException("cannot read Spark's JVM options from " + launcherJar + ": " + e, e);
    }
  }
}
