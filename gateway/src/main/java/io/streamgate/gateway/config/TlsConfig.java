package io.streamgate.gateway.config;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * HTTPS for the gateway's port: a PEM certificate chain and its PEM private key (PKCS#8, or
 * PKCS#1 RSA). Both files are checked at startup, so a typo fails there with one line instead of
 * at the first handshake. Absent ({@code null} in {@link HttpConfig}): plain HTTP.
 *
 * @param certFile PEM certificate chain, leaf first
 * @param keyFile  PEM private key of the leaf certificate, unencrypted
 */
public record TlsConfig(Path certFile, Path keyFile) {
  public TlsConfig {
    if (certFile == null || keyFile == null) {
      throw new ConfigException(certFile == null ? "certFile" : "keyFile",
          "is required when tls is configured (give both certFile and keyFile, or drop tls)");
    }
    requireReadable("certFile", certFile);
    requireReadable("keyFile", keyFile);
  }

  private static void requireReadable(String field, Path file) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new ConfigException(field, "must be a readable PEM file, but '" + file
          + "' does not exist or cannot be read");
    }
  }
}
