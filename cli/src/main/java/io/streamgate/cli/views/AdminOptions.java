package io.streamgate.cli.views;

import io.streamgate.cli.token.DemoSecret;
import io.streamgate.cli.token.TokenMinter;
import io.streamgate.cli.token.TokenRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where the admin API is and how to get in, shared by every {@code views} subcommand: the
 * gateway's URL (its management port by default) and a token with scope {@code admin}, given or
 * else minted for five minutes from the demo's secret.
 */
final class AdminOptions {
  static final String DEFAULT_GATEWAY = "http://127.0.0.1:9090";
  static final Duration MINTED_TTL = Duration.ofMinutes(5);

  @Option(names = "--gateway", paramLabel = "URL",
      description = "The gateway's admin API: its management listener, or its public port"
          + " (default: $" + ViewsCommand.ENV_ADMIN_URL + ", else " + DEFAULT_GATEWAY + ").")
  String gateway;

  @Option(names = "--token", paramLabel = "T",
      description = "A JWT with scope admin (default: $" + ViewsCommand.ENV_TOKEN + ", else one"
          + " minted for 5 minutes from the demo secret in --state-dir).")
  String token;

  @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "./.streamgate",
      description = "Demo state directory holding " + DemoSecret.FILE_NAME
          + " (default: ${DEFAULT-VALUE}).")
  Path stateDir;

  /** A client for the resolved gateway and token. */
  AdminClient client(Map<String, String> env, PrintWriter err) throws IOException {
    return new AdminClient(gateway(env), token(env), err);
  }

  URI gateway(Map<String, String> env) {
    String url = gateway != null ? gateway : env.getOrDefault(ViewsCommand.ENV_ADMIN_URL, "");
    url = url.isBlank() ? DEFAULT_GATEWAY : url.strip();
    return URI.create(url.endsWith("/") ? url : url + "/");
  }

  private String token(Map<String, String> env) throws IOException {
    if (token != null && !token.isBlank()) {
      return token.strip();
    }
    String fromEnv = env.get(ViewsCommand.ENV_TOKEN);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.strip();
    }
    Path file = stateDir.resolve(DemoSecret.FILE_NAME);
    DemoSecret secret;
    try {
      secret = DemoSecret.load(file);
    } catch (IOException e) {
      throw new IOException("no token: pass --token T or set " + ViewsCommand.ENV_TOKEN
          + " (scope admin), or run where the demo keeps its state (" + e.getMessage() + ")");
    }
    try (TokenMinter minter = new TokenMinter(secret)) {
      return minter.mint(new TokenRequest(subject(), "admin", null, null, MINTED_TTL));
    }
  }

  /** {@code cli:<user>}: who the audit log names for minted tokens. */
  static String subject() {
    String user = System.getProperty("user.name", "unknown");
    return "cli:" + (user.isBlank() ? "unknown" : user.toLowerCase(Locale.ROOT));
  }
}
