package io.streamgate.contract;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Lua script of the contract with its SHA-1, so clients can {@code EVALSHA} and fall back to
 * {@code EVAL} (or {@code SCRIPT LOAD}) on {@code NOSCRIPT}.
 */
public record Script(String name, String source, String sha1) {

  /** A line that puts a shared part of scripts in its place: {@code -- include: <name>}. */
  private static final Pattern INCLUDE = Pattern.compile("(?m)^-- include: ([a-z_]+)$");

  static Script load(String name) {
    String source = includeParts(read(name));
    return new Script(name, source, sha1Hex(source));
  }

  /**
   * Replaces each include line with that part's text (Redis runs one self-contained text per
   * script), so a rule two scripts share is written once.
   */
  static String includeParts(String source) {
    Matcher m = INCLUDE.matcher(source);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(read(m.group(1)).stripTrailing()));
    }
    return m.appendTail(out).toString();
  }

  private static String read(String name) {
    String resource = name + ".lua";
    try (InputStream in = Script.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("contract script " + resource + " missing from classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
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
