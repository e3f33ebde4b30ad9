package io.streamgate.gateway.auth;

import io.streamgate.contract.Names;
import io.streamgate.contract.events.StreamEntry;
import io.streamgate.gateway.catalog.Catalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The one answer to "may this principal read these keys of this view" and "may it write to this
 * stream". Checks run in the documented order: name (so a malformed name is never looked up),
 * scope (before existence, so scopes do not reveal which views exist), catalog, keys, tenant.
 * A refusal says what kind it is and why; each transport turns the kind into its own error
 * shape (REST: {@code HttpProblem.refused}; push: its protocol codes) and keeps the message.
 * Until when a principal may read is {@link Principal#expiresAt()}. Stateless.
 */
public final class Access {
  private Access() {}

  /** Why a request is refused: a kind each transport maps once, and the message it shows. */
  public record Refusal(Kind kind, String message) {}

  /** The kinds of refusal. */
  public enum Kind {
    /** A view or stream name or a key is malformed. */
    INVALID,
    /** The token lacks the scope, or a key is outside its tenant. */
    FORBIDDEN,
    /** No such view. */
    NOT_FOUND,
    /** The catalog has not been read yet: retry shortly. */
    UNAVAILABLE
  }

  /** Null if {@code principal} may list the views (it sees those it may read). */
  public static Refusal listViews(Principal principal, Catalog catalog) {
    if (!principal.canReadSomeView()) {
      return new Refusal(Kind.FORBIDDEN, "the token has no view scope ("
          + Principal.READ_ALL_VIEWS + " or views:<view>:read)");
    }
    return catalog.loaded() ? null : notLoaded();
  }

  /**
   * Null if {@code principal} may read {@code keys} of {@code view}; {@code keys} null means the
   * view itself (the view list entry, a page, the top-N, a whole-view subscription), whose rows
   * the caller then filters by {@link Principal#canReadKey}.
   */
  public static Refusal read(Principal principal, Catalog catalog, String view,
      List<String> keys) {
    String viewProblem = Names.viewNameProblem(view);
    if (viewProblem != null) {
      return new Refusal(Kind.INVALID, viewProblem);
    }
    Refusal scope = readScope(principal, view);
    if (scope != null) {
      return scope;
    }
    if (!catalog.loaded()) {
      return notLoaded();
    }
    if (catalog.find(view).isEmpty()) {
      return unknownView(view);
    }
    if (keys == null) {
      return null;
    }
    for (String key : keys) {
      String keyProblem = Names.keyProblem(key);
      if (keyProblem != null) {
        return new Refusal(Kind.INVALID, keyProblem);
      }
    }
    String foreign = principal.foreignKeysProblem(keys);
    return foreign == null ? null : new Refusal(Kind.FORBIDDEN, foreign);
  }

  /** Null if {@code principal}'s scopes let it read {@code view} (a token refresh rechecks it). */
  public static Refusal readScope(Principal principal, String view) {
    if (!principal.canRead(view)) {
      return new Refusal(Kind.FORBIDDEN, "reading view '" + view + "' needs scope "
          + Principal.READ_ALL_VIEWS + " or " + Principal.readScope(view));
    }
    return null;
  }

  /**
   * Null if {@code principal} may post events to {@code stream}. Whether the stream is registered
   * is ingest's question, asked after this one.
   */
  public static Refusal write(Principal principal, String stream) {
    String nameProblem = streamNameProblem(stream);
    if (nameProblem != null) {
      return new Refusal(Kind.INVALID, nameProblem);
    }
    if (!principal.canWrite(stream)) {
      return new Refusal(Kind.FORBIDDEN, "posting to stream '" + stream + "' needs scope "
          + Principal.writeScope(stream) + " or " + Principal.WRITE_ALL_STREAMS);
    }
    return null;
  }

  /** A field of one posted event that names another tenant (or none). */
  public record ForeignField(int index, String field, String reason) {}

  /**
   * A refusal to write a batch because some events belong to another tenant; {@code fields}
   * names every offending event index and field, in order.
   */
  public record EventsRefusal(Refusal refusal, List<ForeignField> fields) {}

  /**
   * Null if {@code principal} may write every one of {@code events} (parsed JSON objects, in
   * order) to {@code stream}: the tenant rule for writes, asked after {@link #write} and the
   * schema. A tenant-bound principal may write only events whose key field and every field the
   * stream declares tenant-scoped ({@link StreamEntry#tenantFields()}) are strings starting
   * with {@code <tenant>:}, the same rule as for the keys it may read; a missing value does not
   * pass. Otherwise one {@link ForeignField} per offending field, and nothing may be written.
   */
  public static EventsRefusal writeEvents(Principal principal, StreamEntry stream,
      List<?> events) {
    if (!principal.tenantBound()) {
      return null;
    }
    List<String> fields = new ArrayList<>(stream.tenantFields().size() + 1);
    if (stream.keyField() != null) {
      fields.add(stream.keyField());
    }
    stream.tenantFields().stream().filter(f -> !fields.contains(f)).forEach(fields::add);
    String prefix = principal.tenant() + Principal.TENANT_SEPARATOR;
    List<ForeignField> foreign = new ArrayList<>(0);
    for (int i = 0; i < events.size(); i++) {
      Map<?, ?> event = events.get(i) instanceof Map<?, ?> m ? m : Map.of();
      for (String field : fields) {
        Object value = event.get(field);
        if (!(value instanceof String s && principal.canReadKey(s))) {
          foreign.add(new ForeignField(i, field, "must be a string starting with '" + prefix
              + "', but was " + (value instanceof String s ? "'" + abbreviate(s) + "'"
                  : value == null ? "absent" : "not a string")));
        }
      }
    }
    if (foreign.isEmpty()) {
      return null;
    }
    ForeignField first = foreign.get(0);
    long badEvents = foreign.stream().mapToInt(ForeignField::index).distinct().count();
    return new EventsRefusal(new Refusal(Kind.FORBIDDEN, "the token is limited to tenant '"
        + principal.tenant() + "': " + badEvents + " of " + events.size() + " events write"
        + " outside it; nothing was written. First: event " + first.index() + ", field '"
        + first.field() + "' " + first.reason()), List.copyOf(foreign));
  }

  private static String abbreviate(String value) {
    return value.length() <= 40 ? value : value.substring(0, 40) + "…";
  }

  /** The refusal for a view the catalog does not have. */
  public static Refusal unknownView(String view) {
    return new Refusal(Kind.NOT_FOUND, "no view named '" + view + "'; see GET /v1/views");
  }

  private static Refusal notLoaded() {
    return new Refusal(Kind.UNAVAILABLE,
        "the view catalog has not been read from the store yet; retry shortly");
  }

  /** Streams are named like views; the message names what was posted to. */
  private static String streamNameProblem(String stream) {
    if (Names.viewNameProblem(stream) == null) {
      return null;
    }
    if (stream == null || stream.isEmpty()) {
      return "stream name is empty";
    }
    String shown = stream.length() <= 40 ? stream : stream.substring(0, 40) + "…";
    return "stream name '" + shown + "' must match " + Names.VIEW_NAME.pattern();
  }
}
