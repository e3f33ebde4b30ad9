package io.streamgate.processor.lookup.internal;

import io.streamgate.processor.pipeline.TableSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.function.UnaryOperator;

/**
 * A lookup table's database password: the environment variable {@code passwordEnv} if set,
 * else the file {@code passwordFile} (trailing line breaks ignored), else none. Read at each
 * refresh, so a rotated password is picked up without a restart. Stateless.
 */
public final class Passwords {
  private Passwords() {}

  /**
   * @param env reads an environment variable ({@code System::getenv} in production)
   * @return the password, or null if the table names none
   * @throws IllegalArgumentException one line naming file, source, field and problem
   */
  public static String of(TableSpec spec, UnaryOperator<String> env) {
    if (spec.passwordEnv() != null) {
      String value = env.apply(spec.passwordEnv());
      if (value == null) {
        throw new IllegalArgumentException(spec.where() + ": passwordEnv names "
            + spec.passwordEnv() + ", which is not set in the processor's environment");
      }
      return value;
    }
    if (spec.passwordFile() == null) {
      return null;
    }
    try {
      return Files.readString(spec.passwordFile(), StandardCharsets.UTF_8).replaceFirst("[\\r\\n]+$", "");
    } catch (IOException e) {
      throw new IllegalArgumentException(spec.where() + ": passwordFile " + spec.passwordFile()
          + " cannot be read (" + e.getClass().getSimpleName() + ")");
    }
  }
}
