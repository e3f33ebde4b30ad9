package io.streamgate.contract;

import java.util.regex.Pattern;

/**
 * What a view name and a row key may look like. The processor refuses to publish anything else
 * and the gateway refuses to look anything else up, so both reject the same inputs.
 */
public final class Names {
  /** Lower-case identifier: safe in URLs, Redis keys and SQL without quoting. */
  public static final Pattern VIEW_NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");
  public static final int MAX_KEY_LENGTH = 256;

  private Names() {}

  /** Why {@code name} is not a valid view name, or null if it is. */
  public static String viewNameProblem(String name) {
    if (name == null || name.isEmpty()) {
      return "view name is empty";
    }
    if (!isViewName(name)) {
      return "view name '" + abbreviate(name) + "' must match " + VIEW_NAME.pattern();
    }
    return null;
  }

  /** {@link #VIEW_NAME}, by hand: it is checked on every request, where the regex showed. */
  private static boolean isViewName(String name) {
    if (name.length() > 64 || name.charAt(0) < 'a' || name.charAt(0) > 'z') {
      return false;
    }
    for (int i = 1; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_')) {
        return false;
      }
    }
    return true;
  }

  /**
   * Why {@code key} is not a valid row key, or null if it is. Keys are 1 to 256 characters of
   * printable text (no control characters), since they appear in URLs, Redis keys and messages.
   * Characters are Unicode code points: an emoji is one, though Java counts it as two.
   */
  public static String keyProblem(String key) {
    if (key == null || key.isEmpty()) {
      return "key is empty";
    }
    // Cheap first: a key of more than 2 × 256 UTF-16 units has more than 256 code points.
    if (key.length() > MAX_KEY_LENGTH
        && (key.length() > 2 * MAX_KEY_LENGTH
            || key.codePointCount(0, key.length()) > MAX_KEY_LENGTH)) {
      return "key is " + key.codePointCount(0, key.length()) + " characters long; the limit is "
          + MAX_KEY_LENGTH;
    }
    for (int i = 0; i < key.length(); i++) {
      if (Character.isISOControl(key.charAt(i))) {
        return "key '" + abbreviate(key) + "' contains a control character at index " + i;
      }
    }
    return null;
  }

  /**
   * Where version {@code version} of a view keeps its rows, index and change channel: the view's
   * name for version 1 (so data written before views had versions stays valid), {@code
   * <view>.v<version>} after. A dot is not allowed in view names, so tables never collide.
   */
  public static String table(String view, long version) {
    requireViewName(view);
    if (version < 1) {
      throw new IllegalArgumentException("view version must be >= 1, but was " + version);
    }
    return version == 1 ? view : view + ".v" + version;
  }

  /** The view a {@link #table} belongs to, or null if {@code table} is not a table name. */
  public static String viewOfTable(String table) {
    if (versionOfTable(table) == 0) {
      return null;
    }
    int dot = table.indexOf('.');
    return dot < 0 ? table : table.substring(0, dot);
  }

  /** The view version a {@link #table} holds, or 0 if {@code table} is not a table name. */
  public static long versionOfTable(String table) {
    int dot = table == null ? -1 : table.indexOf('.');
    if (dot < 0) {
      return table != null && viewNameProblem(table) == null ? 1 : 0;
    }
    String suffix = table.substring(dot + 1);
    if (suffix.length() < 2 || suffix.length() > 16 || suffix.charAt(0) != 'v'
        || suffix.charAt(1) == '0' || viewNameProblem(table.substring(0, dot)) != null) {
      return 0;
    }
    long version = 0;
    for (int i = 1; i < suffix.length(); i++) {
      char c = suffix.charAt(i);
      if (c < '0' || c > '9') {
        return 0;
      }
      version = version * 10 + (c - '0');
    }
    return version > 1 ? version : 0;
  }

  public static String requireTableName(String table) {
    if (versionOfTable(table) == 0) {
      throw new IllegalArgumentException("'" + abbreviate(String.valueOf(table))
          + "' is not a view table: <view> or <view>.v<version> (version >= 2)");
    }
    return table;
  }

  public static String requireViewName(String name) {
    String problem = viewNameProblem(name);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return name;
  }

  public static String requireKey(String key) {
    String problem = keyProblem(key);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return key;
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }
}
