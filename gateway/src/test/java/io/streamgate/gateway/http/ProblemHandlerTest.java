package io.streamgate.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No Throwable leaves a request unanswered: an {@link Error} thrown by a handler, or by its
 * asynchronous continuation run through {@link ProblemHandler#guard}, is a 500 problem with the
 * request id, over real HTTP.
 */
class ProblemHandlerTest {
  static Vertx vertx;
  static int port;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.route().handler(new RequestIdHandler());
    router.get("/sync").handler(ctx -> {
      throw new StackOverflowError();
    });
    router.get("/async").handler(ctx -> ctx.vertx().setTimer(1, t -> ProblemHandler.guard(ctx,
        () -> {
          throw new StackOverflowError();
        })));
    router.route().failureHandler(new ProblemHandler());
    port = vertx.createHttpServer().requestHandler(router).listen(0).await().actualPort();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void anErrorInAHandlerOrItsContinuationIsA500ProblemWithTheRequestId() throws Exception {
    for (String path : new String[] {"/sync", "/async"}) {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5))
          .header(RequestIdHandler.HEADER, "req-" + path.substring(1)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(500, response.statusCode(), path);
      assertEquals(ProblemHandler.CONTENT_TYPE,
          response.headers().firstValue("Content-Type").orElseThrow());
      JsonObject problem = new JsonObject(response.body());
      assertEquals(ProblemType.INTERNAL.uri(), problem.getString("type"));
      assertEquals("req-" + path.substring(1), problem.getString("requestId"));
      assertTrue(problem.getString("detail").contains("req-" + path.substring(1)));
      assertTrue(!response.body().contains("StackOverflow"), response.body());
    }
  }
}
