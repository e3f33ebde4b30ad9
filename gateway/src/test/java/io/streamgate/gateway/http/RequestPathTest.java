package io.streamgate.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Which endpoint a path names, and its decoded parameters: the router's only path matching. */
class RequestPathTest {

  @Test
  void fixedPathsNameTheirEndpoint() {
    for (Endpoint endpoint : Endpoint.values()) {
      // POST /admin/v1/keys and POST /v1/graphql share a GET's path; classify() tells them
      // apart by method.
      if (endpoint.fixed() && endpoint != Endpoint.ADMIN_KEY_CREATE
          && endpoint != Endpoint.GRAPHQL) {
        assertEquals(new RequestPath(endpoint, null, null, null),
            RequestPath.parse(endpoint.template()), endpoint.template());
      }
    }
  }

  @Test
  void viewPathsCarryTheirParameters() {
    assertEquals(new RequestPath(Endpoint.VIEW, "orders", null, null),
        RequestPath.parse("/v1/views/orders"));
    assertEquals(new RequestPath(Endpoint.TOP, "orders", null, null),
        RequestPath.parse("/v1/views/orders/top"));
    assertEquals(new RequestPath(Endpoint.ROW, "orders", "u-17", null),
        RequestPath.parse("/v1/views/orders/u-17"));
    assertEquals(new RequestPath(Endpoint.ROW_EVENTS, "orders", "u-17", null),
        RequestPath.parse("/v1/views/orders/u-17/events"));
    assertEquals(new RequestPath(Endpoint.EVENTS, null, null, "orders"),
        RequestPath.parse("/v1/events/orders"));
  }

  @Test
  void adminPathsNameAViewExceptTheirTwoActions() {
    assertEquals(new RequestPath(Endpoint.ADMIN_VIEW, "user_totals", null, null),
        RequestPath.parse("/admin/v1/views/user_totals"));
    assertEquals(Endpoint.ADMIN_APPLY, RequestPath.parse("/admin/v1/views/apply").endpoint());
    assertEquals(Endpoint.ADMIN_PREVIEW, RequestPath.parse("/admin/v1/views/preview/").endpoint());
    assertEquals(Endpoint.ADMIN_VIEWS, RequestPath.parse("/admin/v1/views").endpoint());
    assertNull(RequestPath.parse("/admin/v1/views/a/b").endpoint());
    assertNull(RequestPath.parse("/admin/v1/views//").endpoint());
    assertNull(RequestPath.parse("/admin/v1").endpoint());
  }

  @Test
  void keyPathsNameTheKeyId() {
    assertEquals(Endpoint.ADMIN_KEYS, RequestPath.parse("/admin/v1/keys").endpoint());
    assertEquals(new RequestPath(Endpoint.ADMIN_KEY_REVOKE, "0123456789abcdef", null, null),
        RequestPath.parse("/admin/v1/keys/0123456789abcdef"));
    assertNull(RequestPath.parse("/admin/v1/keys/a/b").endpoint());
    assertEquals(Endpoint.ADMIN_USAGE, RequestPath.parse("/admin/v1/usage").endpoint());
  }

  @Test
  void oneTrailingSlashIsIgnored() {
    assertEquals(Endpoint.ROW, RequestPath.parse("/v1/views/orders/u-17/").endpoint());
    assertEquals(Endpoint.VIEWS, RequestPath.parse("/v1/views/").endpoint());
    assertEquals(Endpoint.DASHBOARD, RequestPath.parse("/").endpoint());
  }

  @Test
  void pathsThatNameNoEndpointGetNone() {
    for (String path : new String[] {"/v1", "/v1/view", "/v1/views//k", "/v1/views/a/b/c",
        "/v1/views/a/b/events/x", "/v1/events/", "/v1/events/a/b", "/health", "/metrics/x",
        "/v1/views/a//", "/nothing"}) {
      assertNull(RequestPath.parse(path).endpoint(), path);
    }
    assertNull(RequestPath.parse(null).endpoint());
  }

  @Test
  void parametersArePercentDecodedAsUtf8ButPlusStaysPlus() {
    RequestPath path = RequestPath.parse("/v1/views/orders/a%2Fb%20c+d%C3%A9");
    assertEquals(Endpoint.ROW, path.endpoint());
    assertEquals("a/b c+dé", path.key());
    assertEquals("😀 x😀", RequestPath.parse("/v1/views/orders/😀%20x%F0%9F%98%80").key(),
        "unescaped and escaped characters outside the BMP alike");
  }

  @Test
  void malformedEscapesAreABadRequest() {
    for (String path : new String[] {"/v1/views/orders/a%2", "/v1/views/orders/%zz",
        "/v1/views/orders/%C3", "/v1/events/%ff"}) {
      HttpProblem problem = assertThrows(HttpProblem.class, () -> RequestPath.parse(path), path);
      assertEquals(ProblemType.BAD_REQUEST, problem.type());
    }
  }
}
