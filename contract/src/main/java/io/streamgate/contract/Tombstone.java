package io.streamgate.contract;

import io.streamgate.contract.json.Json;

/**
 * A deleted row: the version of the delete and when it happened. Stored in place of the row for
 * the tombstone retention ({@link Scripts#DELETE_ROW}), so a write older than the delete cannot
 * bring the row back; published as the delete's change message:
 * <pre>{"view":"customers","key":"c-7","version":43,"updatedAt":1732531200000,"deleted":true}</pre>
 */
public record Tombstone(String view, String key, long version, long deletedAt) implements Change {
  /** Field of a tombstone's row hash; a live row has no such field. */
  public static final String FIELD_DELETED = "deleted";

  public Tombstone {
    Names.requireViewName(view);
    Names.requireKey(key);
    Row.requireVersion(version);
  }

  @Override
  public String toJson() {
    StringBuilder out = new StringBuilder(96 + key.length());
    out.append("{\"view\":");
    Json.appendString(out, view);
    out.append(",\"key\":");
    Json.appendString(out, key);
    return out.append(",\"version\":").append(version)
        .append(",\"updatedAt\":").append(deletedAt)
        .append(",\"deleted\":true}").toString();
  }
}
