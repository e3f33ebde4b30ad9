package io.streamgate.harness;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds an executable the way a shell would, plus a few standard directories that are often
 * missing from PATH in IDEs and CI (e.g. /usr/sbin, Homebrew's /opt/homebrew/bin).
 *
 * <p>Thread-safe: stateless.
 */
final class Executables {

    static final List<Path> STANDARD_DIRS = List.of(
            Path.of("/usr/bin"), Path.of("/usr/local/bin"), Path.of("/usr/sbin"), Path.of("/opt/homebrew/bin"));

    private Executables() {}

    /** {@code name} on this process's PATH or in {@link #STANDARD_DIRS}. */
    static Optional<Path> find(String name) {
        return find(name, System.getenv("PATH"), STANDARD_DIRS);
    }

    static Optional<Path> find(String name, String pathVariable, List<Path> extraDirs) {
        List<Path> dirs = new ArrayList<>();
        if (pathVariable != null) {
            for (String entry : pathVariable.split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    dirs.add(Path.of(entry));
                }
            }
        }
        dirs.addAll(extraDirs);
        return dirs.stream()
                .map(dir -> dir.resolve(name))
                .filter(candidate -> Files.isRegularFile(candidate) && Files.isExecutable(candidate))
                .findFirst();
    }
}
