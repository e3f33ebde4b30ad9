package io.streamgate.gateway.http;

import io.streamgate.gateway.metrics.GatewayMetrics;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Which {@link Endpoint} a request path names, with its decoded parameters. Found once per
 * request by one walk over the path's segments, by the stage {@link #classify} near the top of
 * the chain; later stages and handlers read it with {@link #of}. (vert.x-web's path templates
 * match a regular expression per route and request; on a point read that was about a tenth of
 * the gateway's CPU.) Parameters are percent-decoded (RFC 3986); a malformed escape is a 400.
 *
 * @param endpoint the endpoint, or null when the path names none (the request ends in a 404)
 * @param view     {@code {view}} of the view endpoints ({@code {name}} of the admin ones, the key
 *                 {@code {id}} of {@link Endpoint#ADMIN_KEY_REVOKE}), else null
 * @param key      {@code {key}} of {@link Endpoint#ROW} and {@link Endpoint#ROW_EVENTS}, else null
 * @param stream   {@code {stream}} of {@link Endpoint#EVENTS}, else null
 */
public record RequestPath(Endpoint endpoint, String view, String key, String stream) {
  static final String CONTEXT_KEY = "streamgate.path";
  private static final RequestPath NONE = new RequestPath(null, null, null, null);
  private static final String VIEWS_PREFIX = "/v1/views/";
  private static final String EVENTS_PREFIX = "/v1/events/";
  private static final String ADMIN_VIEWS_PREFIX = "/admin/v1/views/";
  private static final String ADMIN_KEYS_PREFIX = "/admin/v1/keys/";
  /** The endpoints without parameters, by path: looked up, not scanned, per request. */
  private static final Map<String, RequestPath> FIXED = Arrays.stream(Endpoint.values())
      .filter(Endpoint::fixed)
      .collect(Collectors.toUnmodifiableMap(Endpoint::template,
          endpoint -> new RequestPath(endpoint, null, null, null),
          // Two methods on one path: the GET is found here, classify() picks the other.
          (first, second) -> first.endpoint().method() == HttpMethod.GET ? first : second));
  private static final RequestPath GRAPHQL_POST = new RequestPath(Endpoint.GRAPHQL, null,
      null, null);

  /** The stage: classifies the request's normalized path and names its route for the metrics. */
  public static Handler<RoutingContext> classify() {
    return ctx -> {
      String normalized;
      try {
        normalized = ctx.normalizedPath();
      } catch (IllegalArgumentException e) {
        // vert.x-web decodes escapes of unreserved characters while normalizing: "%zz" fails
        // there, before parse() sees it. An answer for the client, not a bug to log.
        ctx.fail(malformed(ctx.request().path()));
        return;
      }
      if (ctx.request().query() != null) {
        try {
          ctx.request().params(); // decoded once here and kept for every later stage
        } catch (IllegalArgumentException e) {
          // Any stage reading a parameter would fail the same way: answer it here, once.
          ctx.fail(new HttpProblem(ProblemType.BAD_REQUEST,
              "the query string is not valid percent-encoded UTF-8"));
          return;
        }
      }
      RequestPath path = parse(normalized);
      if (path.endpoint() == Endpoint.ADMIN_VIEW && ctx.request().method() == HttpMethod.DELETE) {
        // The templates with two methods: describe (GET) and drop (DELETE); GraphQL.
        path = new RequestPath(Endpoint.ADMIN_DROP, path.view(), null, null);
      } else if (path.endpoint() == Endpoint.ADMIN_KEYS
          && ctx.request().method() == HttpMethod.POST) {
        path = new RequestPath(Endpoint.ADMIN_KEY_CREATE, null, null, null);
      } else if (path.endpoint() == Endpoint.GRAPHQL_GET
          && ctx.request().method() == HttpMethod.POST) {
        path = GRAPHQL_POST;
      }
      ctx.put(CONTEXT_KEY, path);
      if (path.endpoint() != null) {
        GatewayMetrics.nameRoute(ctx, path.endpoint().template());
      }
      ctx.next();
    };
  }

  /** The request's path as {@link #classify} found it. */
  public static RequestPath of(RoutingContext ctx) {
    RequestPath path = ctx.get(CONTEXT_KEY);
    return path == null ? NONE : path;
  }

  /** A stage that runs {@code handler} for requests to {@code endpoint} and passes the rest on. */
  public static Handler<RoutingContext> only(Endpoint endpoint, Handler<RoutingContext> handler) {
    return ctx -> {
      if (of(ctx).endpoint() == endpoint) {
        handler.handle(ctx);
      } else {
        ctx.next();
      }
    };
  }

  /**
   * @param path a normalized path (no dot segments); one trailing slash is ignored
   * @throws HttpProblem 400 when a parameter is not valid percent-encoded UTF-8
   */
  static RequestPath parse(String path) {
    if (path == null) {
      return NONE;
    }
    if (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    if (path.startsWith(VIEWS_PREFIX)) {
      return viewPath(path);
    }
    if (path.startsWith(EVENTS_PREFIX)) {
      String stream = path.substring(EVENTS_PREFIX.length());
      return stream.isEmpty() || stream.indexOf('/') >= 0 ? NONE
          : new RequestPath(Endpoint.EVENTS, null, null, decode(stream));
    }
    if (path.startsWith(ADMIN_VIEWS_PREFIX) && !FIXED.containsKey(path)) {
      String name = path.substring(ADMIN_VIEWS_PREFIX.length());
      return name.isEmpty() || name.indexOf('/') >= 0 ? NONE
          : new RequestPath(Endpoint.ADMIN_VIEW, decode(name), null, null);
    }
    if (path.startsWith(ADMIN_KEYS_PREFIX)) {
      String id = path.substring(ADMIN_KEYS_PREFIX.length());
      return id.isEmpty() || id.indexOf('/') >= 0 ? NONE
          : new RequestPath(Endpoint.ADMIN_KEY_REVOKE, decode(id), null, null);
    }
    return FIXED.getOrDefault(path, NONE);
  }

  /** {@code /v1/views/{view}[/top | /{key}[/events]]}. */
  private static RequestPath viewPath(String path) {
    int viewEnd = path.indexOf('/', VIEWS_PREFIX.length());
    if (viewEnd < 0) {
      return segment(path, VIEWS_PREFIX.length(), path.length()) == null ? NONE
          : new RequestPath(Endpoint.VIEW, decode(path.substring(VIEWS_PREFIX.length())), null,
              null);
    }
    String view = segment(path, VIEWS_PREFIX.length(), viewEnd);
    int keyEnd = path.indexOf('/', viewEnd + 1);
    String key = segment(path, viewEnd + 1, keyEnd < 0 ? path.length() : keyEnd);
    if (view == null || key == null) {
      return NONE;
    }
    if (keyEnd < 0) {
      return key.equals("top") ? new RequestPath(Endpoint.TOP, decode(view), null, null)
          : new RequestPath(Endpoint.ROW, decode(view), decode(key), null);
    }
    return path.substring(keyEnd + 1).equals("events")
        ? new RequestPath(Endpoint.ROW_EVENTS, decode(view), decode(key), null) : NONE;
  }

  /** The non-empty segment between two indexes, or null (like a template's {@code [^/]+}). */
  private static String segment(String path, int from, int to) {
    return to > from ? path.substring(from, to) : null;
  }

  /** RFC 3986 percent-decoding to UTF-8; '+' stays '+' (it means a space only in queries). */
  static String decode(String segment) {
    if (segment.indexOf('%') < 0) {
      return segment;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
    int plain = 0; // start of the characters since the last escape, encoded in one go
    for (int i = segment.indexOf('%'); i >= 0; i = segment.indexOf('%', plain)) {
      bytes.writeBytes(segment.substring(plain, i).getBytes(StandardCharsets.UTF_8));
      int high = i + 2 < segment.length() ? Character.digit(segment.charAt(i + 1), 16) : -1;
      int low = high < 0 ? -1 : Character.digit(segment.charAt(i + 2), 16);
      if (low < 0) {
        throw malformed(segment);
      }
      bytes.write(high * 16 + low);
      plain = i + 3;
    }
    bytes.writeBytes(segment.substring(plain).getBytes(StandardCharsets.UTF_8));
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
    } catch (CharacterCodingException e) {
      throw malformed(segment);
    }
  }

  private static HttpProblem malformed(String segment) {
    String shown = segment.length() <= 40 ? segment : segment.substring(0, 40) + "…";
    return new HttpProblem(ProblemType.BAD_REQUEST, "the path segment '" + shown
        + "' is not valid percent-encoded UTF-8");
  }
}
