package io.streamgate.cli.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoSecretTest {
  @TempDir Path dir;

  @Test
  void createsThirtyTwoRandomBytesAsBase64UrlReadableByTheOwnerOnly() throws IOException {
    Path file = dir.resolve("state/demo-jwt.secret");
    DemoSecret secret = DemoSecret.loadOrCreate(file);
    assertTrue(secret.created());
    assertEquals(32, Base64.getUrlDecoder().decode(secret.value()).length);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    try (var files = Files.list(file.getParent())) {
      assertEquals(1, files.count(), "no temp file left behind");
    }
  }

  @Test
  void reusesAnExistingFileTrimmed() throws IOException {
    Path file = dir.resolve("s");
    Files.writeString(file, "  my-secret\n\n");
    DemoSecret secret = DemoSecret.loadOrCreate(file);
    assertFalse(secret.created());
    assertEquals("my-secret", secret.value());
    assertEquals(secret.value(), DemoSecret.loadOrCreate(file).value());
  }

  @Test
  void refusesAnEmptyFileAndAMissingOneWhenAskedToLoad() throws IOException {
    Path empty = dir.resolve("empty");
    Files.writeString(empty, " \n");
    IOException e = assertThrows(IOException.class, () -> DemoSecret.loadOrCreate(empty));
    assertTrue(e.getMessage().contains("is empty"), e.getMessage());
    IOException missing = assertThrows(IOException.class, () -> DemoSecret.load(dir.resolve("nope")));
    assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
  }
}
