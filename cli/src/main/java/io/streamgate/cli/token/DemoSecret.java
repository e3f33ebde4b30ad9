package io.streamgate.cli.token;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The HS256 secret shared by {@code token} and the demo gateway: a file holding 32 random bytes
 * as base64url text, readable by its owner only. The HMAC key is the UTF-8 bytes of the trimmed
 * file content, the same rule the gateway applies to {@code STREAMGATE_JWT_SECRET_FILE}.
 *
 * <p>Stateless and thread-safe; concurrent creators settle on whichever file was written first.
 */
public final class DemoSecret {
  /** File name inside the demo state directory. */
  public static final String FILE_NAME = "demo-jwt.secret";
  private static final int RANDOM_BYTES = 32;

  private final Path file;
  private final String value;
  private final boolean created;

  private DemoSecret(Path file, String value, boolean created) {
    this.file = file;
    this.value = value;
    this.created = created;
  }

  /** Reads the secret from {@code file}, first creating it (mode 600) if it does not exist. */
  public static DemoSecret loadOrCreate(Path file) throws IOException {
    boolean created = false;
    if (!Files.exists(file)) {
      created = create(file);
    }
    String value = Files.readString(file, StandardCharsets.UTF_8).strip();
    if (value.isEmpty()) {
      throw new IOException("JWT secret file " + file + " is empty: delete it to get a new one");
    }
    return new DemoSecret(file, value, created);
  }

  /** Reads an existing secret file, failing with a clear message if it is missing. */
  public static DemoSecret load(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("JWT secret file " + file + " does not exist");
    }
    return loadOrCreate(file);
  }

  public Path file() {
    return file;
  }

  /** The trimmed secret text; its UTF-8 bytes are the HMAC key. */
  public String value() {
    return value;
  }

  /** Whether this call created the file. */
  public boolean created() {
    return created;
  }

  private static boolean create(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    byte[] bytes = new byte[RANDOM_BYTES];
    new SecureRandom().nextBytes(bytes);
    String text = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes) + "\n";
    // Write a private temp file, then move it in place: no window where the secret is
    // world-readable or half-written.
    Path temp = Files.createTempFile(parent, ".demo-jwt", ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      Files.move(temp, file);
      return true;
    } catch (FileAlreadyExistsException raced) {
      return false;
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
