package io.streamgate.cli.demo;

import io.streamgate.contract.json.Json;
import io.streamgate.contract.json.JsonException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The few gateway calls the demo makes to decide it is ready: health, the view list and a row.
 * Blocking, short timeouts; connection failures come back as status -1, never as exceptions.
 * Thread-safe.
 */
public final class GatewayClient {
  /** An HTTP answer; status -1 means no answer at all. */
  public record Response(int status, String body) {
    public boolean ok() {
      return status == 200;
    }
  }

  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  private final URI base;
  private final HttpClient http;

  public GatewayClient(URI base) {
    this.base = base;
    // HTTP/1.1: no h2c upgrade attempt (the JDK client's default), which misread answers once.
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT)
        .build();
  }

  public URI base() {
    return base;
  }

  /** {@code GET /health/ready}. */
  public Response health() {
    return get("/health/ready", null);
  }

  /** Names of the views the token may read, or empty unless {@code GET /v1/views} answers 200. */
  public Optional<List<String>> views(String token) {
    Response response = get("/v1/views", token);
    if (!response.ok()) {
      return Optional.empty();
    }
    try {
      Object views = Json.parseObject(response.body()).get("views");
      List<String> names = new ArrayList<>();
      if (views instanceof List<?> list) {
        for (Object view : list) {
          if (view instanceof Map<?, ?> entry && entry.get("name") instanceof String name) {
            names.add(name);
          }
        }
      }
      return Optional.of(names);
    } catch (JsonException e) {
      return Optional.empty();
    }
  }

  /** {@code GET /v1/views/{view}/{key}} with the token (null for none). */
  public Response row(String view, String key, String token) {
    return get("/v1/views/" + view + "/" + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20"), token);
  }

  /** {@code GET path} with an optional bearer token. */
  public Response get(String path, String token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body());
    } catch (IOException e) {
      return new Response(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Response(-1, "interrupted");
    }
  }
}
