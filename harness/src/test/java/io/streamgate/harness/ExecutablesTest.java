package io.streamgate.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutablesTest {

    @TempDir
    Path temp;

    @Test
    void findsExecutableOnPathBeforeExtraDirs() throws Exception {
        Path first = Files.createDirectories(temp.resolve("first"));
        Path second = Files.createDirectories(temp.resolve("second"));
        Path fake = executable(second.resolve("tool"));
        executable(Files.createDirectories(temp.resolve("extra")).resolve("tool"));

        Optional<Path> found = Executables.find("tool", first + File.pathSeparator + second, List.of(temp.resolve("extra")));

        assertEquals(Optional.of(fake), found);
    }

    @Test
    void fallsBackToExtraDirsAndSkipsNonExecutables() throws Exception {
        Path extra = Files.createDirectories(temp.resolve("extra"));
        Files.writeString(Files.createDirectories(temp.resolve("onpath")).resolve("tool"), "not executable");
        Path fake = executable(extra.resolve("tool"));

        assertEquals(Optional.of(fake), Executables.find("tool", temp.resolve("onpath").toString(), List.of(extra)));
        assertTrue(Executables.find("tool", null, List.of()).isEmpty());
    }

    private static Path executable(Path file) throws Exception {
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
