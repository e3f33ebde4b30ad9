package io.streamgate.gateway.auth;

import io.streamgate.contract.Names;
import io.streamgate.gateway.catalog.Catalog;
import java.util.List;

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
