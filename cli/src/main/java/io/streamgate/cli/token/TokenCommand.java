package io.streamgate.cli.token;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code streamgate token}: prints a JWT signed with the demo secret. The token is the last line
 * of standard output, so {@code TOKEN=$(./streamgate token ...)} captures just it; notes go to
 * standard error.
 */
@Command(name = "token", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Prints a JWT for the demo gateway (HS256, iss/aud streamgate, kid demo) as the last line.",
        "Example: TOKEN=$(./streamgate token --sub alice --scope \"views:read\")"})
public final class TokenCommand implements Callable<Integer> {

  @Option(names = "--sub", required = true, paramLabel = "NAME", description = "Subject: who the token is for.")
  String subject;

  @Option(names = "--scope", required = true, paramLabel = "SCOPES",
      description = "Space-separated scopes, e.g. \"views:read\" or \"views:user_totals:read events:orders:write\".")
  String scope;

  @Option(names = "--tenant", paramLabel = "T", description = "Tenant claim: limits the caller to its own keys.")
  String tenant;

  @Option(names = "--plan", paramLabel = "P", description = "Plan claim: rate limits and quotas (the demo has trial and metered).")
  String plan;

  @Option(names = "--ttl", paramLabel = "SECONDS", defaultValue = "3600",
      description = "Lifetime in seconds (default: ${DEFAULT-VALUE}).")
  long ttlSeconds;

  @ArgGroup(exclusive = true)
  SecretLocation secret = new SecretLocation();

  /** Where the secret lives: the demo's state directory, or an explicit file. */
  static final class SecretLocation {
    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "./.streamgate",
        description = "Demo state directory holding " + DemoSecret.FILE_NAME + " (default: ${DEFAULT-VALUE}).")
    Path stateDir = Path.of("./.streamgate");

    @Option(names = "--secret-file", paramLabel = "F", description = "Secret file to sign with instead.")
    Path secretFile;

    Path file() {
      return secretFile != null ? secretFile : stateDir.resolve(DemoSecret.FILE_NAME);
    }
  }

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    TokenRequest request;
    try {
      request = new TokenRequest(subject, scope, blankToNull(tenant), blankToNull(plan), Duration.ofSeconds(ttlSeconds));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    DemoSecret key = DemoSecret.loadOrCreate(secret.file());
    PrintWriter err = spec.commandLine().getErr();
    if (key.created()) {
      err.println("created a new JWT secret in " + key.file() + " (mode 600)");
    }
    String token;
    try (TokenMinter minter = new TokenMinter(key)) {
      token = minter.mint(request);
    }
    err.println("token for sub=" + request.subject() + " scope=\"" + request.scope() + "\""
        + (request.tenant() == null ? "" : " tenant=" + request.tenant())
        + (request.plan() == null ? "" : " plan=" + request.plan())
        + ", expires " + Instant.now().plus(request.ttl()).truncatedTo(ChronoUnit.SECONDS));
    err.flush();
    PrintWriter out = spec.commandLine().getOut();
    out.println(token);
    out.flush();
    return 0;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
