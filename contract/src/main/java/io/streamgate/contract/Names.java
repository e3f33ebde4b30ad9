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
   */
  public static String keyProblem(String key) {
    if (key == null || key.isEmpty()) {
      return "key is empty";
    }
    if (key.length() > MAX_KEY_LENGTH) {
      return "key is " + key.length() + " characters long; the limit is " + MAX_KEY_LENGTH;
    }
    for (int i = 0; i < key.length(); i++) {
      if (Character.isISOControl(key.charAt(i))) {
        return "key '" + abbreviate(key) + "' contains a control character at index " + i;
      }
    }
    return null;
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
