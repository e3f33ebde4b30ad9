package io.streamgate.gateway.push.internal;

import io.streamgate.contract.Indexes;
import io.streamgate.contract.Row;
import io.streamgate.contract.Tombstone;
import io.streamgate.contract.control.Freshness;
import io.streamgate.contract.json.Json;
import io.streamgate.contract.json.JsonException;
import io.streamgate.gateway.auth.Access;
import io.streamgate.gateway.freshness.ViewFreshness;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The WebSocket protocol's messages (see {@code docs/push.md}): parsing what clients send and
 * writing what the gateway sends. Pure and stateless; thread-safe.
 */
public final class Protocol {
  public static final int MAX_ID_LENGTH = 64;

  /** Error codes of {@code {"type":"error"}} messages. */
  public static final String BAD_REQUEST = "bad_request";
  public static final String FRAME_TOO_LARGE = "frame_too_large";
  public static final String FORBIDDEN = "forbidden";
  public static final String UNKNOWN_VIEW = "unknown_view";
  public static final String TOO_MANY_SUBSCRIPTIONS = "too_many_subscriptions";
  public static final String TOO_MANY_KEYS = "too_many_keys";
  public static final String DUPLICATE_ID = "duplicate_id";
  public static final String UNKNOWN_SUBSCRIPTION = "unknown_subscription";
  public static final String UNAVAILABLE = "unavailable";
  public static final String UNAUTHORIZED = "unauthorized";
  /** Over the connection's message budget ({@code push.messageBudget}). */
  public static final String RATE_LIMITED = "rate_limited";
  /** Too many snapshot reads wait on the gateway; subscribe again shortly. */
  public static final String OVERLOADED = "overloaded";
  /**
   * A filtered subscription matches more rows than one subscription may track
   * ({@code push.maxKeysPerSubscription}); narrow the filter.
   */
  public static final String TOO_MANY_ROWS = "too_many_rows";
  /** Deepest nesting of arrays and objects a message may have. */
  public static final int MAX_DEPTH = 16;

  /** The protocol's error code for an access refusal: the one mapping of {@link Access.Kind}s. */
  static String code(Access.Refusal refusal) {
    return switch (refusal.kind()) {
      case INVALID -> BAD_REQUEST;
      case FORBIDDEN -> FORBIDDEN;
      case NOT_FOUND -> UNKNOWN_VIEW;
      case UNAVAILABLE -> UNAVAILABLE;
    };
  }

  private Protocol() {}

  /** What a client asked for. */
  public sealed interface Op permits Subscribe, Unsubscribe, Auth, Ping {}

  /**
   * @param keys        null for every key of the view (updates only, no snapshot) or a filter
   * @param versions    per key, the version the client already has (resume); may be empty
   * @param viewVersion the view version those versions are of, or null if the client did not
   *                    say (then they are taken as the serving version's)
   * @param where       indexed column → value as the client gave it (a filtered subscription:
   *                    snapshot of the matching rows, then enter, update and leave), or null
   */
  public record Subscribe(String id, String view, List<String> keys, Map<String, Long> versions,
      Long viewVersion, Map<String, String> where) implements Op {

    /** A subscription to keys (or, {@code keys} null, the whole view). */
    public Subscribe(String id, String view, List<String> keys, Map<String, Long> versions,
        Long viewVersion) {
      this(id, view, keys, versions, viewVersion, null);
    }
  }

  public record Unsubscribe(String id) implements Op {}

  public record Auth(String token) implements Op {}

  public record Ping() implements Op {}

  /** A client message the gateway refuses; answered with an error message, socket kept. */
  public static final class ProtocolException extends RuntimeException {
    private final String id;
    private final String code;

    public ProtocolException(String id, String code, String message) {
      super(message, null, false, false);
      this.id = id;
      this.code = code;
    }

    /** The subscription id the message named, or null. */
    public String id() {
      return id;
    }

    public String code() {
      return code;
    }
  }

  /**
   * Parses one text frame.
   *
   * @param maxKeys most keys one subscribe may name
   * @throws ProtocolException with code {@value #BAD_REQUEST} or {@value #TOO_MANY_KEYS}
   */
  public static Op parse(String text, int maxKeys) {
    if (depth(text) > MAX_DEPTH) {
      throw new ProtocolException(null, BAD_REQUEST, "a message may nest arrays and objects at"
          + " most " + MAX_DEPTH + " deep");
    }
    Map<String, Object> message;
    try {
      message = Json.parseObject(text);
    } catch (JsonException e) {
      throw new ProtocolException(null, BAD_REQUEST,
          "a message must be a JSON object: " + e.getMessage());
    } catch (RuntimeException | StackOverflowError e) {
      throw new ProtocolException(null, BAD_REQUEST, "a message must be a JSON object");
    }
    Object op = message.get("op");
    if (!(op instanceof String name)) {
      throw new ProtocolException(idOrNull(message), BAD_REQUEST,
          "a message needs \"op\": subscribe, unsubscribe, auth or ping");
    }
    return switch (name) {
      case "subscribe" -> subscribe(message, maxKeys);
      case "unsubscribe" -> new Unsubscribe(id(message));
      case "auth" -> {
        if (!(message.get("token") instanceof String token) || token.isBlank()) {
          throw new ProtocolException(null, BAD_REQUEST, "auth needs \"token\": a JWT");
        }
        yield new Auth(token.trim());
      }
      case "ping" -> new Ping();
      default -> throw new ProtocolException(idOrNull(message), BAD_REQUEST, "unknown op '"
          + abbreviate(name) + "'; use subscribe, unsubscribe, auth or ping");
    };
  }

  private static Subscribe subscribe(Map<String, Object> message, int maxKeys) {
    String id = id(message);
    // The view name and the keys are checked by Access, in the documented order (view name,
    // scope, catalog, keys), not here.
    if (!(message.get("view") instanceof String view)) {
      throw new ProtocolException(id, BAD_REQUEST, "subscribe needs \"view\": a view name");
    }
    List<String> keys = null;
    Object rawKeys = message.get("keys");
    if (rawKeys != null) {
      if (!(rawKeys instanceof List<?> list) || list.isEmpty()) {
        throw new ProtocolException(id, BAD_REQUEST, "\"keys\" must be a non-empty array of"
            + " row keys (leave it out to follow every key of the view)");
      }
      LinkedHashSet<String> unique = new LinkedHashSet<>();
      for (Object key : list) {
        if (!(key instanceof String k)) {
          throw new ProtocolException(id, BAD_REQUEST, "\"keys\" must hold strings only");
        }
        unique.add(k);
      }
      if (unique.size() > maxKeys) {
        throw new ProtocolException(id, TOO_MANY_KEYS, "at most " + maxKeys
            + " keys per subscription, but got " + unique.size()
            + "; split them over several subscriptions");
      }
      keys = List.copyOf(unique);
    }
    Map<String, Long> versions = new LinkedHashMap<>();
    Object rawVersions = message.get("versions");
    if (rawVersions != null) {
      if (!(rawVersions instanceof Map<?, ?> map)) {
        throw new ProtocolException(id, BAD_REQUEST,
            "\"versions\" must be an object of key → version the client has");
      }
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (!(entry.getValue() instanceof Long version) || version < 0) {
          throw new ProtocolException(id, BAD_REQUEST, "\"versions\" of key '"
              + abbreviate(entry.getKey().toString()) + "' must be a non-negative integer");
        }
        versions.put(entry.getKey().toString(), version);
      }
    }
    Map<String, String> where = where(id, message.get("where"), keys != null);
    if (keys == null && where == null && !versions.isEmpty()) {
      throw new ProtocolException(id, BAD_REQUEST, "\"versions\" needs \"keys\" or \"where\":"
          + " a whole-view subscription sends updates only");
    }
    Long viewVersion = null;
    Object rawViewVersion = message.get("viewVersion");
    if (rawViewVersion != null) {
      if (!(rawViewVersion instanceof Long v) || v < 1) {
        throw new ProtocolException(id, BAD_REQUEST, "\"viewVersion\" must be an integer >= 1:"
            + " the view version of the \"versions\" (from the last subscribed or switch)");
      }
      viewVersion = v;
    }
    return new Subscribe(id, view, keys, versions, viewVersion, where);
  }

  /**
   * The {@code where} of a subscribe: column → scalar value (string, number or boolean), as
   * text; which columns the view indexes is checked against the catalog later. Null if absent.
   */
  private static Map<String, String> where(String id, Object raw, boolean hasKeys) {
    if (raw == null) {
      return null;
    }
    if (hasKeys) {
      throw new ProtocolException(id, BAD_REQUEST, "give either \"keys\" or \"where\", not"
          + " both");
    }
    if (!(raw instanceof Map<?, ?> map) || map.isEmpty() || map.size() > Indexes.MAX_INDEXES) {
      throw new ProtocolException(id, BAD_REQUEST, "\"where\" must be an object of 1-"
          + Indexes.MAX_INDEXES + " indexed columns → value, e.g. {\"userId\":\"u-1\"}");
    }
    Map<String, String> where = new LinkedHashMap<>();
    for (Map.Entry<?, ?> condition : map.entrySet()) {
      String text = Indexes.text(condition.getValue());
      if (text == null) {
        throw new ProtocolException(id, BAD_REQUEST, "\"where\" value of '"
            + abbreviate(condition.getKey().toString()) + "' must be a string, number or"
            + " boolean of at most " + Indexes.MAX_VALUE_CHARS + " characters");
      }
      where.put(condition.getKey().toString(), text);
    }
    return where;
  }

  private static String id(Map<String, Object> message) {
    Object id = message.get("id");
    if (!(id instanceof String s) || s.isEmpty() || s.length() > MAX_ID_LENGTH) {
      throw new ProtocolException(null, BAD_REQUEST,
          "\"id\" must be a string of 1-" + MAX_ID_LENGTH + " characters");
    }
    return s;
  }

  private static String idOrNull(Map<String, Object> message) {
    Object id = message.get("id");
    return id instanceof String s && !s.isEmpty() && s.length() <= MAX_ID_LENGTH ? s : null;
  }

  /**
   * A snapshot or update: the row's contract fields plus {@code type} and {@code id};
   * {@code reset} marks a snapshot older than the version the client said it had.
   */
  public static String row(String type, String id, Row row, boolean reset) {
    return row(type, id, row, reset, Freshness.UNKNOWN);
  }

  /**
   * {@link #row(String, String, Row, boolean)} with the view version's freshness
   * ({@code watermark}, {@code lagMs}) when known, as REST's headers say it.
   */
  public static String row(String type, String id, Row row, boolean reset, Freshness freshness) {
    StringBuilder out = new StringBuilder(140 + row.key().length() + row.valueJson().length());
    out.append("{\"type\":\"").append(type).append("\",\"id\":");
    Json.appendString(out, id);
    out.append(",\"view\":");
    Json.appendString(out, row.view());
    out.append(",\"key\":");
    Json.appendString(out, row.key());
    out.append(",\"version\":").append(row.version());
    out.append(",\"updatedAt\":").append(row.updatedAt());
    if (reset) {
      out.append(",\"reset\":true");
    }
    appendFreshness(out, freshness);
    return out.append(",\"value\":").append(row.valueJson()).append('}').toString();
  }

  /** {@code ,"watermark":"<RFC 3339>","lagMs":N}, each only when known. */
  static void appendFreshness(StringBuilder out, Freshness freshness) {
    String watermark = ViewFreshness.rfc3339(freshness);
    if (watermark != null) {
      out.append(",\"watermark\":\"").append(watermark).append('"');
    }
    if (freshness.known()) {
      out.append(",\"lagMs\":").append(freshness.lagMs());
    }
  }

  /** A JSON object's text with the freshness members added at its end (SSE's data). */
  static String withFreshness(String objectJson, Freshness freshness) {
    if (!freshness.known() && freshness.watermarkMs() <= 0) {
      return objectJson;
    }
    StringBuilder out = new StringBuilder(objectJson.length() + 64)
        .append(objectJson, 0, objectJson.length() - 1);
    appendFreshness(out, freshness);
    return out.append('}').toString();
  }

  /**
   * A deleted row: its key, the delete's version and when it happened ({@code updatedAt}, as in
   * the contract's change message). Replaces whatever the client holds for the key.
   */
  public static String delete(String id, Tombstone tombstone) {
    return delete(id, tombstone, Freshness.UNKNOWN);
  }

  /** {@link #delete(String, Tombstone)} with the view version's freshness when known. */
  public static String delete(String id, Tombstone tombstone, Freshness freshness) {
    StringBuilder out = new StringBuilder(140 + tombstone.key().length());
    out.append("{\"type\":\"delete\",\"id\":");
    Json.appendString(out, id);
    out.append(",\"view\":");
    Json.appendString(out, tombstone.view());
    out.append(",\"key\":");
    Json.appendString(out, tombstone.key());
    out.append(",\"version\":").append(tombstone.version());
    out.append(",\"updatedAt\":").append(tombstone.deletedAt());
    appendFreshness(out, freshness);
    return out.append('}').toString();
  }

  /**
   * A row of a filtered subscription stopped matching its filter, or was deleted: the client
   * drops the key. {@code version} is that of the change that made it leave.
   */
  public static String leave(String id, String view, String key, long version) {
    StringBuilder out = new StringBuilder(80 + key.length());
    out.append("{\"type\":\"leave\",\"id\":");
    Json.appendString(out, id);
    out.append(",\"view\":");
    Json.appendString(out, view);
    out.append(",\"key\":");
    Json.appendString(out, key);
    return out.append(",\"version\":").append(version).append('}').toString();
  }

  /**
   * The view's name is served by view version {@code version} from now on: what the client
   * holds of the subscription is replaced by the snapshot that follows (keyed) or must be
   * reloaded (whole view).
   */
  public static String switched(String id, String view, long version) {
    return "{\"type\":\"switch\",\"id\":" + Json.quote(id) + ",\"view\":" + Json.quote(view)
        + ",\"version\":" + version + "}";
  }

  public static String error(String id, String code, String message) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("type", "error");
    out.put("id", id);
    out.put("code", code);
    out.put("message", message);
    return Json.write(out);
  }

  /**
   * Ends the snapshot of a subscription; keys without a message are listed by why.
   *
   * @param version the view version the snapshot and the updates after it come from
   */
  public static String subscribed(String id, String view, long version, int snapshots,
      List<String> upToDate, List<String> missing) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("type", "subscribed");
    out.put("id", id);
    out.put("view", view);
    out.put("version", version);
    out.put("snapshots", snapshots);
    out.put("upToDate", upToDate == null ? List.of() : new ArrayList<>(upToDate));
    out.put("missing", missing == null ? List.of() : new ArrayList<>(missing));
    return Json.write(out);
  }

  public static String unsubscribed(String id) {
    return "{\"type\":\"unsubscribed\",\"id\":" + Json.quote(id) + "}";
  }

  /**
   * The gateway's own change subscription is down ({@code live:false}: updates pause) or back
   * ({@code live:true}: keyed subscriptions have been re-read, newer rows sent as snapshots).
   */
  public static String status(boolean live) {
    return "{\"type\":\"status\",\"live\":" + live + "}";
  }

  /** A whole-view subscription may have missed changes while the gateway was not subscribed. */
  public static String resync(String id, String view) {
    return "{\"type\":\"resync\",\"id\":" + Json.quote(id) + ",\"view\":" + Json.quote(view)
        + "}";
  }

  public static String authenticated(String subject, long expiresAtSeconds) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("type", "authenticated");
    out.put("sub", subject);
    out.put("expiresAt", expiresAtSeconds);
    return Json.write(out);
  }

  public static String pong() {
    return "{\"type\":\"pong\"}";
  }

  /** Deepest nesting of arrays and objects in {@code text}, outside strings; no parsing. */
  static int depth(String text) {
    int depth = 0;
    int max = 0;
    boolean inString = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '[' || c == '{') {
        max = Math.max(max, ++depth);
      } else if (c == ']' || c == '}') {
        depth--;
      }
    }
    return max;
  }

  static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }
}
