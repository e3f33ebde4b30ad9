package io.streamgate.harness;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Locates the repo root and each module's runtime classpath.
 *
 * <p>Every runnable module writes {@code target/runtime-classpath.txt} during the build (see the
 * parent POM); child processes are started with exactly that classpath, so nothing is shaded.
 *
 * <p>Thread-safe: stateless, reads the file system on every call.
 */
public final class Modules {

    /** System property naming the repo root; the parent POM passes it to every test JVM. */
    public static final String ROOT_PROPERTY = "streamgate.root";

    private static final String CLASSPATH_FILE = "target/runtime-classpath.txt";

    private Modules() {}

    /**
     * Repo root: system property {@code streamgate.root} if set, else walk up from
     * {@code user.dir} until a directory containing both {@code pom.xml} and
     * {@code kafka-runtime/} is found.
     *
     * <p>If the property points inside the repo rather than at its root, the root above it is
     * returned: Maven sets it to the directory it was started in, which may be a module.
     *
     * @throws IllegalStateException if no such directory is found
     */
    public static Path root() {
        return root(System.getProperty(ROOT_PROPERTY), Path.of(System.getProperty("user.dir")));
    }

    static Path root(String property, Path userDir) {
        boolean fromProperty = property != null && !property.isBlank();
        Path start = (fromProperty ? Path.of(property.strip()) : userDir).toAbsolutePath().normalize();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("kafka-runtime"))) {
                return dir;
            }
        }
        String origin = fromProperty ? "system property " + ROOT_PROPERTY + "=" + property : "user.dir " + userDir;
        throw new IllegalStateException("Cannot find the Streamgate repo root (a directory with pom.xml and kafka-runtime/) at or above "
                + origin + "; run from inside the repo or set -D" + ROOT_PROPERTY + "=<repo root>");
    }

    /**
     * Runtime classpath of module directory {@code name} (e.g. {@code "gateway"}):
     * {@code <root>/<name>/target/classes} if it exists, followed by the contents of
     * {@code <root>/<name>/target/runtime-classpath.txt}.
     *
     * @throws IllegalStateException with a one-line message if the classpath file is missing
     */
    public static String classpath(String name) {
        Path root = root();
        Path module = root.resolve(name);
        Path file = module.resolve(CLASSPATH_FILE);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("Module '" + name + "' has no runtime classpath (" + file
                    + " is missing): run `mvn -DskipTests package` in " + root + " first");
        }
        List<String> parts = new ArrayList<>();
        Path classes = module.resolve("target/classes");
        if (Files.isDirectory(classes)) {
            parts.add(classes.toString());
        }
        String dependencies = read(file).strip();
        if (!dependencies.isEmpty()) {
            parts.add(dependencies);
        }
        return String.join(File.pathSeparator, parts);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }
}
