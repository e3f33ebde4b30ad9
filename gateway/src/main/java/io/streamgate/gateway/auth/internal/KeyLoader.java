package io.streamgate.gateway.auth.internal;

import io.streamgate.gateway.config.ConfigException;
import io.streamgate.gateway.config.ConfigLoader;
import io.streamgate.gateway.config.KeyConfig;
import io.vertx.ext.auth.PubSecKeyOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns configured keys into vertx-auth key options, one loader per key kind: HMAC secrets from
 * secret files, RSA/EC public keys from PEM files (parsed here with the JDK first, so a wrong
 * file is a one-line config error naming the field, not a stack trace from the JWT library).
 * Blocking file I/O: startup only.
 */
final class KeyLoader {
  private static final Logger LOG = LoggerFactory.getLogger(KeyLoader.class);
  /** RFC 7518 §3.2: an HS256 key must be at least as long as the hash output. */
  static final int MIN_HMAC_SECRET_BYTES = 32;

  private KeyLoader() {}

  static List<PubSecKeyOptions> load(List<KeyConfig> keys) {
    List<PubSecKeyOptions> out = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      KeyConfig key = keys.get(i);
      String field = "auth.keys[" + i + "]";
      if (key.hmac()) {
        out.add(hmac(key, field));
      } else {
        out.add(publicKey(key, field + ".publicKeyFile"));
      }
    }
    return out;
  }

  private static PubSecKeyOptions publicKey(KeyConfig key, String field) {
    Path file = key.publicKeyFile().toAbsolutePath();
    String pem;
    try {
      pem = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new ConfigException(field, "names " + file + ", which does not exist");
    } catch (IOException e) {
      throw new ConfigException(field, "names " + file + ", which cannot be read: " + e);
    }
    String problem = PublicKeys.problem(key.algorithm(), pem);
    if (problem != null) {
      throw new ConfigException(field, "names " + file + ", which " + problem);
    }
    return new PubSecKeyOptions().setAlgorithm(key.algorithm()).setId(key.kid())
        .setBuffer(pem.trim());
  }

  private static PubSecKeyOptions hmac(KeyConfig key, String field) {
    Path file = key.secretFile().toAbsolutePath();
    String secret;
    try {
      secret = Files.readString(file, StandardCharsets.UTF_8).trim();
    } catch (NoSuchFileException e) {
      throw new ConfigException(field + ".secretFile", "names " + file + ", which does not exist;"
          + " create it (`streamgate token` writes the demo secret) or set "
          + ConfigLoader.ENV_JWT_SECRET_FILE);
    } catch (IOException e) {
      throw new ConfigException(field + ".secretFile", "names " + file + ", which cannot be read: " + e);
    }
    if (secret.isEmpty()) {
      throw new ConfigException(field + ".secretFile", "names " + file + ", which is empty");
    }
    int length = secret.getBytes(StandardCharsets.UTF_8).length;
    if (length < MIN_HMAC_SECRET_BYTES) {
      LOG.warn("JWT key '{}' ({}) is only {} bytes; HS256 wants at least {}. Use a longer secret"
          + " outside demos.", key.kid(), file, length, MIN_HMAC_SECRET_BYTES);
    }
    return new PubSecKeyOptions().setAlgorithm(key.algorithm()).setId(key.kid()).setBuffer(secret);
  }
}
