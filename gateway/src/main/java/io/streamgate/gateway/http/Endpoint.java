package io.streamgate.gateway.http;

import io.vertx.core.http.HttpMethod;

/**
 * Every endpoint the gateway serves: its method and documented path template. The single list
 * behind routing ({@link RequestPath} finds a request's endpoint), the route label of metrics and
 * access log lines, and the check that {@code /openapi.json} documents exactly these.
 */
public enum Endpoint {
  HEALTH_LIVE(HttpMethod.GET, "/health/live"),
  HEALTH_READY(HttpMethod.GET, "/health/ready"),
  METRICS(HttpMethod.GET, "/metrics"),
  OPENAPI(HttpMethod.GET, "/openapi.json"),
  ASYNCAPI(HttpMethod.GET, "/asyncapi.json"),
  DASHBOARD(HttpMethod.GET, "/"),
  DASHBOARD_SCRIPT(HttpMethod.GET, "/dashboard.js"),
  // The view authoring page (feature admin): static files; its calls go to /admin/v1.
  VIEWS_PAGE(HttpMethod.GET, "/views"),
  VIEWS_PAGE_SCRIPT(HttpMethod.GET, "/views.js"),
  VIEWS(HttpMethod.GET, "/v1/views"),
  VIEW(HttpMethod.GET, "/v1/views/{view}"),
  TOP(HttpMethod.GET, "/v1/views/{view}/top"),
  ROW(HttpMethod.GET, "/v1/views/{view}/{key}"),
  ROW_EVENTS(HttpMethod.GET, "/v1/views/{view}/{key}/events"),
  WS(HttpMethod.GET, "/v1/ws"),
  EVENTS(HttpMethod.POST, "/v1/events/{stream}"),
  // GraphQL (feature graphql): POST a query; GET a query in the URL, or the
  // graphql-transport-ws WebSocket of subscriptions. One template with two methods.
  GRAPHQL(HttpMethod.POST, "/v1/graphql"),
  GRAPHQL_GET(HttpMethod.GET, "/v1/graphql"),
  // The admin API (feature admin): on the management listener and, behind the same chain as
  // /v1, on the public one. {name} is a view name; "apply" and "preview" are not names here.
  ADMIN_VIEWS(HttpMethod.GET, "/admin/v1/views"),
  ADMIN_APPLY(HttpMethod.POST, "/admin/v1/views/apply"),
  ADMIN_PREVIEW(HttpMethod.POST, "/admin/v1/views/preview"),
  ADMIN_VIEW(HttpMethod.GET, "/admin/v1/views/{name}"),
  ADMIN_DROP(HttpMethod.DELETE, "/admin/v1/views/{name}"),
  ADMIN_SOURCES(HttpMethod.GET, "/admin/v1/sources"),
  // API keys and usage (admin). POST /admin/v1/keys shares its path with the list.
  ADMIN_KEYS(HttpMethod.GET, "/admin/v1/keys"),
  ADMIN_KEY_CREATE(HttpMethod.POST, "/admin/v1/keys"),
  ADMIN_KEY_REVOKE(HttpMethod.DELETE, "/admin/v1/keys/{id}"),
  ADMIN_USAGE(HttpMethod.GET, "/admin/v1/usage");

  private final HttpMethod method;
  private final String template;

  Endpoint(HttpMethod method, String template) {
    this.method = method;
    this.template = template;
  }

  public HttpMethod method() {
    return method;
  }

  /** The path as documented, parameters in braces: the route label of metrics and logs. */
  public String template() {
    return template;
  }

  /** True for templates without parameters, which routes match exactly. */
  boolean fixed() {
    return template.indexOf('{') < 0;
  }
}
