package io.streamgate.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModulesTest {

    @TempDir
    Path temp;

    @Test
    void rootIsTheRepo() {
        Path root = Modules.root();
        assertTrue(Files.isRegularFile(root.resolve("pom.xml")));
        assertTrue(Files.isDirectory(root.resolve("kafka-runtime")));
        assertTrue(Files.isDirectory(root.resolve("harness")));
    }

    @Test
    void rootWalksUpFromUserDirOrFromAPropertyInsideTheRepo() throws Exception {
        Path repo = fakeRepo();
        Path nested = Files.createDirectories(repo.resolve("gateway/src/main"));

        assertEquals(repo, Modules.root(null, nested));
        assertEquals(repo, Modules.root(" ", nested));
        assertEquals(repo, Modules.root(repo.toString(), Path.of("/")));
        // Maven sets the property to the directory it was started in, possibly a module.
        assertEquals(repo, Modules.root(repo.resolve("gateway").toString(), Path.of("/")));
    }

    @Test
    void rootOutsideTheRepoFailsClearly() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Modules.root(null, temp));
        assertTrue(e.getMessage().contains("streamgate.root"), e.getMessage());
    }

    @Test
    void kafkaRuntimeClasspathListsTheBrokerJars() {
        List<String> entries = List.of(Modules.classpath("kafka-runtime").split(File.pathSeparator));

        assertTrue(entries.stream().anyMatch(e -> e.contains("kafka_2.13")), entries.toString());
        assertTrue(entries.stream().allMatch(e -> Files.exists(Path.of(e))), "every entry exists");
        assertFalse(entries.stream().anyMatch(e -> e.endsWith("classes")), "a pom module has no classes");
    }

    @Test
    void missingClasspathFileSaysWhatToRun() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Modules.classpath("no-such-module"));

        assertTrue(e.getMessage().contains("run `mvn -DskipTests package`"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }

    private Path fakeRepo() throws Exception {
        Path repo = Files.createDirectories(temp.resolve("repo"));
        Files.writeString(repo.resolve("pom.xml"), "<project/>");
        Files.createDirectories(repo.resolve("kafka-runtime"));
        return repo.toRealPath();
    }
}
