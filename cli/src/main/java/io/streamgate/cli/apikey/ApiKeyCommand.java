package io.streamgate.cli.apikey;

import io.streamgate.cli.views.AdminClient;
import io.streamgate.cli.views.ViewsCommand;
import io.streamgate.contract.json.Json;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code streamgate apikey}: create, list and revoke API keys through the gateway's admin API
 * (the same options as {@code views}: {@code --gateway}, {@code --token}, {@code --state-dir}).
 * A created key is printed once, as the last line of standard output, so
 * {@code KEY=$(./streamgate apikey create ...)} captures just it.
 */
@Command(name = "apikey", mixinStandardHelpOptions = true,
    description = {"Create, list and revoke API keys (X-API-Key) through the admin API.",
        "Example: KEY=$(./streamgate apikey create --sub partner --scope \"views:read\")"},
    subcommands = {ApiKeyCommand.Create.class, ApiKeyCommand.ListKeys.class,
        ApiKeyCommand.Revoke.class},
    footer = {"", "Run ./streamgate apikey COMMAND --help for a command's options."})
public final class ApiKeyCommand implements Runnable {
  private static final Pattern DURATION = Pattern.compile("(\\d+)([smhd]?)");

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "create", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Creates a key granting what a token with the same sub, scopes, tenant and"
          + " plan grants. Prints the key as the last line: it is shown this once."})
  static final class Create extends ViewsCommand.Base {
    @Option(names = "--sub", required = true, paramLabel = "NAME",
        description = "Whom the key is for: the principal limits, quotas and usage count.")
    String subject;

    @Option(names = "--scope", required = true, paramLabel = "SCOPES",
        description = "Space-separated scopes, e.g. \"views:read events:orders:write\".")
    String scope;

    @Option(names = "--tenant", paramLabel = "T", description = "Limits the key to its tenant's keys.")
    String tenant;

    @Option(names = "--plan", paramLabel = "P",
        description = "Rate-limit and quota plan (e.g. trial, metered in the demo).")
    String plan;

    @Option(names = "--ttl", paramLabel = "D",
        description = "Lifetime: seconds, or 30m, 12h, 90d (default: no expiry).")
    String ttl;

    @Override
    public Integer call() throws IOException {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("sub", subject);
      body.put("scopes", scope);
      if (tenant != null && !tenant.isBlank()) {
        body.put("tenant", tenant.strip());
      }
      if (plan != null && !plan.isBlank()) {
        body.put("plan", plan.strip());
      }
      if (ttl != null) {
        body.put("ttlSeconds", seconds(ttl));
      }
      AdminClient.Answer answer = client().post("admin/v1/keys", Json.write(body));
      return print(answer, json -> {
        Map<String, Object> key = Json.parseObject(json);
        err().println("created API key " + key.get("id") + " for sub=" + key.get("sub")
            + " scopes=\"" + String.join(" ", strings(key.get("scopes"))) + "\""
            + (key.get("tenant") == null ? "" : " tenant=" + key.get("tenant"))
            + (key.get("plan") == null ? "" : " plan=" + key.get("plan"))
            + ", expires " + (key.get("expiresAt") == null ? "never" : key.get("expiresAt"))
            + ". It is shown only now: store it. Send it as X-API-Key.");
        err().flush();
        return List.of(String.valueOf(key.get("key")));
      });
    }

    private long seconds(String text) {
      Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
      if (!m.matches()) {
        throw new ParameterException(spec.commandLine(), "--ttl must be seconds or a number with"
            + " s, m, h or d (30m, 12h, 90d), but was '" + text + "'");
      }
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "m" -> n * 60;
        case "h" -> n * 3600;
        case "d" -> n * 86_400;
        default -> n;
      };
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Lists every key, newest first: id, sub, state, plan, tenant, scopes, times."
          + " Never the keys themselves.")
  static final class ListKeys extends ViewsCommand.Base {
    @Override
    public Integer call() throws IOException {
      return print(client().get("admin/v1/keys"), ApiKeyCommand::table);
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = "Revokes a key: every gateway refuses it within 2 s.")
  static final class Revoke extends ViewsCommand.Base {
    @Parameters(paramLabel = "ID", description = "The key's id (see apikey list; the 16 hex"
        + " digits after sgk_).")
    String id;

    @Override
    public Integer call() throws IOException {
      return print(client().delete("admin/v1/keys/"
          + URLEncoder.encode(id.strip(), StandardCharsets.UTF_8)), json -> {
            Map<String, Object> key = Json.parseObject(json);
            return List.of("revoked API key " + key.get("id") + " (sub " + key.get("sub")
                + ") at " + key.get("revokedAt"));
          });
    }
  }

  static List<String> table(String json) {
    List<String> lines = new ArrayList<>();
    String format = "%-16s  %-20s  %-7s  %-10s  %-10s  %-20s  %-24s  %s";
    lines.add(String.format(Locale.ROOT, format, "ID", "SUB", "STATE", "PLAN", "TENANT",
        "CREATED", "EXPIRES", "SCOPES"));
    if (Json.parseObject(json).get("keys") instanceof List<?> keys) {
      for (Object item : keys) {
        Map<?, ?> key = (Map<?, ?>) item;
        lines.add(String.format(Locale.ROOT, format, key.get("id"), key.get("sub"),
            key.get("state"), dash(key.get("plan")), dash(key.get("tenant")),
            dash(key.get("createdAt")), dash(key.get("expiresAt")),
            String.join(" ", strings(key.get("scopes")))));
      }
    }
    return lines;
  }

  private static String dash(Object value) {
    return value == null ? "-" : value.toString();
  }

  private static List<String> strings(Object list) {
    List<String> out = new ArrayList<>();
    if (list instanceof List<?> items) {
      items.forEach(i -> out.add(String.valueOf(i)));
    }
    return out;
  }
}
