package io.streamgate.contract;

import java.util.Locale;

/** How a view's rows come about; tells clients what a version step means. */
public enum ViewKind {
  /** GROUP BY key, running results updated in place. */
  AGGREGATE,
  /** GROUP BY key and an event-time window; rows expire after the window closes. */
  WINDOWED,
  /** Stateless projection, the last write per key wins. */
  LATEST;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ViewKind fromWireName(String name) {
    for (ViewKind kind : values()) {
      if (kind.wireName().equals(name)) {
        return kind;
      }
    }
    throw new IllegalArgumentException(
        "view kind must be one of aggregate, windowed, latest, but was '" + name + "'");
  }
}
