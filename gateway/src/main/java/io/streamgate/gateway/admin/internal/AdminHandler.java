package io.streamgate.gateway.admin.internal;

import io.streamgate.contract.Names;
import io.streamgate.contract.control.ControlReply;
import io.streamgate.contract.control.ControlRequest;
import io.streamgate.contract.json.Json;
import io.streamgate.contract.json.JsonException;
import io.streamgate.gateway.auth.ApiKeys;
import io.streamgate.gateway.auth.Principal;
import io.streamgate.gateway.http.BearerAuthHandler;
import io.streamgate.gateway.http.HttpProblem;
import io.streamgate.gateway.http.ProblemType;
import io.streamgate.gateway.http.RequestPath;
import io.streamgate.gateway.usage.Usage;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The admin routes: scope check, then API keys and usage ({@link AccountRoutes}), list, describe
 * and sources (read from Redis), or apply, preview and drop (a control request to the processor, answered with its reply: 200, 422
 * {@code invalid-pipeline} with the reply's error lines, or 504 {@code processor-timeout}).
 * Stateless; runs on the request's event loop.
 */
public final class AdminHandler implements Handler<RoutingContext> {
  static final int DEFAULT_PREVIEW_LIMIT = 20;
  static final int MAX_PREVIEW_LIMIT = 1000;
  private static final String JSON = "application/json";

  private final ControlChannel control;
  private final Definitions definitions;
  private final AccountRoutes accounts;
  private final Clock clock;
  private final long timeoutMs;

  public AdminHandler(ControlChannel control, Definitions definitions, ApiKeys keys, Usage usage,
      Clock clock, long timeoutMs) {
    this.control = control;
    this.definitions = definitions;
    this.accounts = new AccountRoutes(keys, usage, clock);
    this.clock = clock;
    this.timeoutMs = timeoutMs;
  }

  /**
   * The stage before the token check: the audit line is written when the response has been
   * sent, and the body is held unread until a handler needs it.
   */
  public static Handler<RoutingContext> stage(AuditLog audit) {
    return ctx -> {
      audit.begin(ctx);
      AdminBody.hold(ctx);
      ctx.next();
    };
  }

  @Override
  public void handle(RoutingContext ctx) {
    RequestPath path = RequestPath.of(ctx);
    if (path.endpoint() == null) {
      ctx.next();
      return;
    }
    if (ctx.request().method() != path.endpoint().method()) {
      throw new HttpProblem(ProblemType.METHOD_NOT_ALLOWED, ctx.request().method() + " is not"
          + " supported on " + ctx.request().path() + "; use " + path.endpoint().method());
    }
    Principal principal = BearerAuthHandler.principal(ctx);
    if (!principal.canAdminister()) {
      throw new HttpProblem(ProblemType.FORBIDDEN,
          "the admin API needs a token with scope " + Principal.ADMIN);
    }
    switch (path.endpoint()) {
      case ADMIN_VIEWS -> answer(ctx, definitions.list());
      case ADMIN_SOURCES -> answer(ctx, definitions.sources());
      case ADMIN_VIEW -> describe(ctx, viewName(path.view()));
      case ADMIN_DROP -> {
        String view = viewName(path.view());
        submit(ctx, principal, ControlRequest.Op.DROP, Map.of("view", view));
      }
      case ADMIN_APPLY -> body(ctx, body -> apply(ctx, principal, body));
      case ADMIN_PREVIEW -> body(ctx, body -> preview(ctx, principal, body));
      case ADMIN_KEYS -> accounts.list(ctx);
      case ADMIN_KEY_CREATE -> body(ctx, body -> accounts.create(ctx, principal, body));
      case ADMIN_KEY_REVOKE -> accounts.revoke(ctx, principal, path.view());
      case ADMIN_USAGE -> accounts.usage(ctx);
      default -> ctx.next();
    }
  }

  private void describe(RoutingContext ctx, String view) {
    answer(ctx, definitions.describe(view).map(found -> {
      if (found == null) {
        throw new HttpProblem(ProblemType.NOT_FOUND, "no view named '" + view
            + "' is defined, has a status or is in the catalog; see GET /admin/v1/views");
      }
      return found;
    }));
  }

  private void apply(RoutingContext ctx, Principal principal, Map<String, Object> body) {
    Map<String, Object> pipeline = pipeline(body);
    List<String> views = new ArrayList<>();
    if (pipeline.get("views") instanceof Map<?, ?> named) {
      named.keySet().forEach(name -> views.add(String.valueOf(name)));
    }
    AuditLog.views(ctx, views);
    boolean dryRun = "true".equalsIgnoreCase(ctx.request().getParam("dryRun"));
    if (dryRun) {
      AuditLog.dryRun(ctx);
    }
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("pipeline", pipeline);
    arguments.put("dryRun", dryRun);
    // The file the document came from (the CLI's -f), so the processor's errors name it.
    if (body.get("file") instanceof String file && !file.isBlank()) {
      arguments.put("file", file);
    }
    submit(ctx, principal, ControlRequest.Op.APPLY, arguments);
  }

  /**
   * {@code {"pipeline":{…},"view":"name"}} or {@code {"source":"s","sql":"…","key":"col"}}
   * (optional {@code kind}), each with an optional {@code limit} and {@code events} (records read
   * per source).
   */
  private void preview(RoutingContext ctx, Principal principal, Map<String, Object> body) {
    Map<String, Object> arguments = new LinkedHashMap<>();
    if (body.containsKey("pipeline")) {
      arguments.put("pipeline", pipeline(body));
      arguments.put("view", viewName(text(body, "view")));
    } else if (body.containsKey("sql")) {
      arguments.put("source", text(body, "source"));
      arguments.put("sql", text(body, "sql"));
      if (body.get("key") != null) {
        arguments.put("key", text(body, "key"));
      }
      if (body.get("kind") != null) {
        arguments.put("kind", text(body, "kind"));
      }
    } else {
      throw new HttpProblem(ProblemType.BAD_REQUEST, "a preview names a view of a pipeline"
          + " ({\"pipeline\":{…},\"view\":\"name\"}) or a query ({\"source\":\"orders\","
          + "\"sql\":\"SELECT …\",\"key\":\"col\"})");
    }
    Object limit = body.getOrDefault("limit", DEFAULT_PREVIEW_LIMIT);
    if (!(limit instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
        || n.longValue() < 1 || n.longValue() > MAX_PREVIEW_LIMIT) {
      throw new HttpProblem(ProblemType.BAD_REQUEST,
          "limit must be a whole number 1-" + MAX_PREVIEW_LIMIT + ", but was " + limit);
    }
    arguments.put("limit", n.longValue());
    if (body.get("events") instanceof Number events) {
      arguments.put("events", events.longValue()); // records read per source; the processor bounds it
    }
    if (arguments.get("view") instanceof String view) {
      AuditLog.views(ctx, List.of(view));
    }
    submit(ctx, principal, ControlRequest.Op.PREVIEW, arguments);
  }

  private void submit(RoutingContext ctx, Principal principal, ControlRequest.Op op,
      Map<String, Object> arguments) {
    long now = clock.millis();
    ControlRequest request = new ControlRequest(UUID.randomUUID().toString(), op,
        principal.subject(), AuditLog.address(ctx.request().remoteAddress()), now,
        now + timeoutMs, arguments);
    AuditLog.controlId(ctx, request.id());
    control.submit(request).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else if (ar.result() == null) {
        ctx.fail(timedOut(request));
      } else if (!ar.result().ok()) {
        ctx.fail(refused(ar.result()));
      } else {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(ar.result().toJson());
      }
    });
  }

  private HttpProblem timedOut(ControlRequest request) {
    Map<String, Object> extensions = new LinkedHashMap<>();
    extensions.put("controlRequest", request.id());
    return new HttpProblem(ProblemType.PROCESSOR_TIMEOUT, String.format(Locale.ROOT,
        "the processor did not answer request %s within %s s; is it running? The request"
            + " expires unapplied", request.id(), seconds(timeoutMs)),
        Map.of(), extensions);
  }

  private static HttpProblem refused(ControlReply reply) {
    List<String> errors = reply.error() == null ? List.of("refused without a reason")
        : reply.error().lines().filter(line -> !line.isBlank()).toList();
    Map<String, Object> extensions = new LinkedHashMap<>();
    extensions.put("errors", errors);
    extensions.put("controlRequest", reply.id());
    return new HttpProblem(ProblemType.INVALID_PIPELINE, errors.size() == 1 ? errors.get(0)
        : "the processor refused the request (" + errors.size() + " errors); nothing was applied",
        Map.of(), extensions);
  }

  static void answer(RoutingContext ctx, Future<Map<String, Object>> result) {
    result.onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(Json.write(ar.result()));
      }
    });
  }

  /** Reads the body as a JSON object; a problem (400, 413, 415) otherwise. */
  static void body(RoutingContext ctx, Handler<Map<String, Object>> onObject) {
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type != null && !type.toLowerCase(Locale.ROOT).startsWith(JSON)) {
      throw new HttpProblem(ProblemType.UNSUPPORTED_MEDIA_TYPE,
          "send the body as " + JSON + ", not " + type);
    }
    AdminBody.read(ctx, (Buffer body) -> {
      Map<String, Object> object;
      try {
        object = Json.parseObject(body.toString(StandardCharsets.UTF_8));
      } catch (JsonException e) {
        ctx.fail(new HttpProblem(ProblemType.BAD_REQUEST,
            "the body must be a JSON object: " + e.getMessage()));
        return;
      }
      try {
        onObject.handle(object);
      } catch (RuntimeException e) {
        // Outside the router's own call (the body's end handler): fail here, or no one answers.
        ctx.fail(e);
      }
    });
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> pipeline(Map<String, Object> body) {
    if (!(body.get("pipeline") instanceof Map<?, ?> pipeline)) {
      throw new HttpProblem(ProblemType.BAD_REQUEST, "the body must be a JSON object with a"
          + " \"pipeline\" object: the pipeline file's format ({\"sources\":{…},"
          + "\"views\":{…}}) as JSON");
    }
    if (!(pipeline.get("views") instanceof Map<?, ?>) && !(pipeline.get("sources") instanceof Map<?, ?>)) {
      throw new HttpProblem(ProblemType.BAD_REQUEST,
          "the pipeline has neither a \"views\" nor a \"sources\" object; nothing to apply");
    }
    return (Map<String, Object>) pipeline;
  }

  private static String text(Map<String, Object> body, String field) {
    if (!(body.get(field) instanceof String value) || value.isBlank()) {
      throw new HttpProblem(ProblemType.BAD_REQUEST, "\"" + field + "\" must be a non-empty"
          + " string");
    }
    return value;
  }

  private static String viewName(String view) {
    String problem = Names.viewNameProblem(view);
    if (problem != null) {
      throw new HttpProblem(ProblemType.BAD_REQUEST, problem);
    }
    return view;
  }

  private static String seconds(long millis) {
    return millis % 1000 == 0 ? Long.toString(millis / 1000)
        : String.format(Locale.ROOT, "%.1f", millis / 1000.0);
  }
}
