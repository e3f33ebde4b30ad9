package io.streamgate.contract;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Lua script of the contract with its SHA-1, so clients can {@code EVALSHA} and fall back to
 * {@code EVAL} (or {@code SCRIPT LOAD}) on {@code NOSCRIPT}.
 */
public record Script(String name, String source, String sha1) {

  static Script load(String name) {
    String resource = name + ".lua";
    try (InputStream in = Script.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("contract script " + resource + " missing from classpath");
      }
      String source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new Script(name, source, sha1Hex(source));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String sha1Hex(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-1");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-1", e);
    }
  }
}
