package io.streamgate.gateway.admin.internal;

import io.streamgate.gateway.auth.ApiKey;
import io.streamgate.gateway.auth.ApiKeys;
import io.streamgate.gateway.auth.Principal;
import io.streamgate.gateway.config.LimitsConfig;
import io.streamgate.gateway.http.HttpProblem;
import io.streamgate.gateway.http.ProblemType;
import io.streamgate.gateway.usage.Usage;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The admin routes about principals: create, list and revoke API keys, and read a principal's
 * usage. Creating answers the key once (201); nothing else ever shows it or its hash. Each call
 * names the key in its audit line. Stateless; runs on the request's event loop.
 */
final class AccountRoutes {
  static final int MAX_SUBJECT_CHARS = 256;
  static final int MAX_SCOPES = 64;
  static final long MAX_TTL_SECONDS = 10L * 366 * 86_400;
  /** As a token's tenant claim: one key segment. */
  private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  private static final Pattern SCOPE = Pattern.compile("[!-~]{1,200}");

  private final ApiKeys keys;
  private final Usage usage;
  private final Clock clock;

  AccountRoutes(ApiKeys keys, Usage usage, Clock clock) {
    this.keys = keys;
    this.usage = usage;
    this.clock = clock;
  }

  /** {@code POST /admin/v1/keys}: {@code {"sub","scopes":[…],"tenant","plan","ttlSeconds"}}. */
  void create(RoutingContext ctx, Principal admin, Map<String, Object> body) {
    ApiKeys.Grant grant = grant(body);
    Map<String, Object> audited = new LinkedHashMap<>();
    audited.put("sub", grant.subject());
    audited.put("scopes", List.copyOf(grant.scopes()));
    audited.put("tenant", grant.tenant());
    audited.put("plan", grant.plan());
    AuditLog.key(ctx, audited);
    keys.create(grant, admin.subject()).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      audited.put("id", ar.result().record().id());
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("key", ar.result().key());
      answer.putAll(ar.result().record().describe(clock.millis()));
      ctx.response().setStatusCode(201);
      AdminHandler.answer(ctx, Future.succeededFuture(answer));
    });
  }

  /** {@code GET /admin/v1/keys}: every key, newest first, without secrets. */
  void list(RoutingContext ctx) {
    AdminHandler.answer(ctx, keys.list().map(all -> {
      long now = clock.millis();
      List<Map<String, Object>> described = new ArrayList<>(all.size());
      all.forEach(key -> described.add(key.describe(now)));
      return Map.of("keys", described);
    }));
  }

  /** {@code DELETE /admin/v1/keys/{id}}: revokes; 404 for an unknown id. */
  void revoke(RoutingContext ctx, Principal admin, String id) {
    AuditLog.key(ctx, Map.of("id", String.valueOf(id)));
    AdminHandler.answer(ctx, keys.revoke(id, admin.subject()).map((ApiKey revoked) -> {
      if (revoked == null) {
        throw new HttpProblem(ProblemType.NOT_FOUND, "no API key with id '" + shown(id)
            + "'; see GET /admin/v1/keys");
      }
      return revoked.describe(clock.millis());
    }));
  }

  /** {@code GET /admin/v1/usage?sub=&from=&to=}: days default to today (UTC). */
  void usage(RoutingContext ctx) {
    String subject = ctx.request().getParam("sub");
    if (subject == null || subject.isBlank()) {
      throw new HttpProblem(ProblemType.BAD_REQUEST, "name the principal: ?sub=<subject>"
          + " (a token's sub, or the sub an API key was created for)");
    }
    LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
    LocalDate to = day(ctx, "to", today);
    LocalDate from = day(ctx, "from", to);
    if (from.isAfter(to)) {
      throw new HttpProblem(ProblemType.BAD_REQUEST, "from (" + from + ") is after to (" + to
          + ")");
    }
    if (ChronoUnit.DAYS.between(from, to) >= Usage.MAX_READ_DAYS) {
      throw new HttpProblem(ProblemType.BAD_REQUEST, "at most " + Usage.MAX_READ_DAYS
          + " days at once, but " + from + " to " + to + " is "
          + (ChronoUnit.DAYS.between(from, to) + 1));
    }
    AdminHandler.answer(ctx, usage.read(subject, from, to));
  }

  private static LocalDate day(RoutingContext ctx, String param, LocalDate otherwise) {
    String value = ctx.request().getParam(param);
    if (value == null || value.isBlank()) {
      return otherwise;
    }
    try {
      return LocalDate.parse(value.strip());
    } catch (DateTimeParseException e) {
      throw new HttpProblem(ProblemType.BAD_REQUEST, param + " must be a UTC day like 2026-12-05,"
          + " but was '" + shown(value) + "'");
    }
  }

  private static ApiKeys.Grant grant(Map<String, Object> body) {
    if (!(body.get("sub") instanceof String subject) || subject.isBlank()
        || subject.length() > MAX_SUBJECT_CHARS || subject.chars().anyMatch(Character::isISOControl)) {
      throw new HttpProblem(ProblemType.BAD_REQUEST, "\"sub\" must be a string of 1-"
          + MAX_SUBJECT_CHARS + " characters without control characters: whom the key is for");
    }
    Set<String> scopes = new LinkedHashSet<>();
    Object given = body.get("scopes");
    if (given instanceof String text) {
      scopes.addAll(List.of(text.trim().split("\\s+")));
    } else if (given instanceof List<?> list) {
      list.forEach(s -> scopes.add(String.valueOf(s)));
    }
    scopes.remove("");
    if (scopes.isEmpty() || scopes.size() > MAX_SCOPES
        || !scopes.stream().allMatch(s -> SCOPE.matcher(s).matches())) {
      throw new HttpProblem(ProblemType.BAD_REQUEST, "\"scopes\" must list 1-" + MAX_SCOPES
          + " scopes (a list, or one space-separated string), e.g. [\"views:read\"]");
    }
    String tenant = optional(body, "tenant");
    if (tenant != null && !TENANT.matcher(tenant).matches()) {
      throw new HttpProblem(ProblemType.BAD_REQUEST, "\"tenant\" must match " + TENANT.pattern()
          + ", but was '" + shown(tenant) + "'");
    }
    String plan = optional(body, "plan");
    if (plan != null && !LimitsConfig.PLAN_NAME.matcher(plan).matches()) {
      throw new HttpProblem(ProblemType.BAD_REQUEST, "\"plan\" must match "
          + LimitsConfig.PLAN_NAME.pattern() + ", but was '" + shown(plan) + "'");
    }
    Object ttl = body.getOrDefault("ttlSeconds", 0);
    if (!(ttl instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
        || n.longValue() < 0 || n.longValue() > MAX_TTL_SECONDS) {
      throw new HttpProblem(ProblemType.BAD_REQUEST, "\"ttlSeconds\" must be a whole number 0"
          + " (no expiry) to " + MAX_TTL_SECONDS + ", but was " + ttl);
    }
    return new ApiKeys.Grant(subject, scopes, tenant, plan, n.longValue());
  }

  private static String optional(Map<String, Object> body, String field) {
    Object value = body.get(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text)) {
      throw new HttpProblem(ProblemType.BAD_REQUEST, "\"" + field + "\" must be a string");
    }
    return text.isBlank() ? null : text.strip();
  }

  private static String shown(String value) {
    return value.length() <= 40 ? value : value.substring(0, 40) + "…";
  }
}
