package io.streamgate.cli.views;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The gateway's admin API as the CLI calls it: blocking calls with a bearer token, each
 * answered with its status and body. While a call waits longer than {@link #PROGRESS_AFTER} (an
 * apply waits for the processor, up to a minute) it tells standard error that it is waiting.
 * Not thread-safe; one command uses one client.
 */
public final class AdminClient {
  /** An HTTP answer. */
  public record Answer(int status, String body, String contentType) {
    public boolean ok() {
      return status / 100 == 2;
    }

    boolean problem() {
      return contentType != null && contentType.startsWith("application/problem+json");
    }
  }

  static final Duration PROGRESS_AFTER = Duration.ofSeconds(2);
  /** Longer than the gateway's own wait for the processor (admin.timeoutMs, 60 s by default). */
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(90);

  private final URI base;
  private final String token;
  private final PrintWriter err;
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  AdminClient(URI base, String token, PrintWriter err) {
    this.base = base;
    this.token = token;
    this.err = err;
  }

  public Answer get(String path) throws IOException {
    return send(request(path).GET());
  }

  public Answer post(String path, String json) throws IOException {
    return send(request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  public Answer delete(String path) throws IOException {
    return send(request(path).DELETE());
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(base.resolve(path)).timeout(CALL_TIMEOUT)
        .header("Authorization", "Bearer " + token);
  }

  private Answer send(HttpRequest.Builder builder) throws IOException {
    HttpRequest request = builder.build();
    CompletableFuture<HttpResponse<String>> call =
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    boolean waiting = false;
    try {
      long wait = PROGRESS_AFTER.toMillis();
      while (true) {
        try {
          HttpResponse<String> response = call.get(wait, TimeUnit.MILLISECONDS);
          return new Answer(response.statusCode(), response.body(),
              response.headers().firstValue("Content-Type").orElse(null));
        } catch (TimeoutException stillWaiting) {
          err.print(waiting ? "." : "waiting for the processor…");
          err.flush();
          waiting = true;
        }
      }
    } catch (ExecutionException e) {
      throw unreachable(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      call.cancel(true);
      throw new IOException("interrupted");
    } finally {
      if (waiting) {
        err.println();
        err.flush();
      }
    }
  }

  private IOException unreachable(Throwable cause) {
    if (cause instanceof HttpTimeoutException) {
      return new IOException("the gateway at " + base + " did not answer within "
          + CALL_TIMEOUT.toSeconds() + " s");
    }
    if (cause instanceof ConnectException) {
      return new IOException("cannot connect to the admin API at " + base + ": is the gateway"
          + " running? Its management port is 9090 by default (--gateway URL or "
          + ViewsCommand.ENV_ADMIN_URL + ")");
    }
    return new IOException("calling " + base + " failed: " + cause, cause);
  }
}
