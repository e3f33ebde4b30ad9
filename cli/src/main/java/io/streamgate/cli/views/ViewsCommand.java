package io.streamgate.cli.views;

import io.streamgate.contract.json.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code streamgate views}: publish, change, inspect and drop views of a running system through
 * the gateway's admin API. Results go to standard output; progress, refusals and errors to
 * standard error. Exit 0 on success, 1 when the processor refused, did not answer, or the call
 * failed, 2 for bad arguments.
 */
@Command(name = "views", mixinStandardHelpOptions = true,
    description = {"Publish, change, inspect and drop views while the system runs (admin API).",
        "Example: ./streamgate views apply -f deploy/local/pipeline.yaml"},
    subcommands = {ViewsCommand.Apply.class, ViewsCommand.ListViews.class,
        ViewsCommand.Describe.class, ViewsCommand.Drop.class, ViewsCommand.Preview.class},
    footer = {"", "Run ./streamgate views COMMAND --help for a command's options."})
public final class ViewsCommand implements Runnable {
  public static final String ENV_ADMIN_URL = "STREAMGATE_ADMIN_URL";
  public static final String ENV_TOKEN = "STREAMGATE_TOKEN";

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * The part every admin-API command shares (views, apikey, usage): options, environment,
   * output.
   */
  public abstract static class Base implements Callable<Integer> {
    @Mixin AdminOptions admin;
    @Spec protected CommandSpec spec;
    /** The environment (tests replace it). */
    public static Map<String, String> env = System.getenv();

    protected PrintWriter out() {
      return spec.commandLine().getOut();
    }

    protected PrintWriter err() {
      return spec.commandLine().getErr();
    }

    protected AdminClient client() throws IOException {
      return admin.client(env, err());
    }

    /** Prints the answer's lines, or its failure on standard error; the exit code. */
    protected int print(AdminClient.Answer answer,
        java.util.function.Function<String, List<String>> lines) {
      if (answer.ok()) {
        lines.apply(answer.body()).forEach(out()::println);
        out().flush();
        return 0;
      }
      ViewsOutput.failure(answer.status(), answer.body()).forEach(err()::println);
      err().flush();
      return 1;
    }
  }

  @Command(name = "apply", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Makes the published views match a pipeline file, view by view: creates new"
          + " views, alters changed ones as a new version (backfilled, then switched), leaves the"
          + " rest. Prints one line per view; a refused file applies nothing and exits 1."})
  static final class Apply extends Base {
    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE",
        description = "Pipeline file (YAML: a views: map, optionally sources:).")
    Path file;

    @Option(names = "--dry-run", description = "Validate and plan only; change nothing.")
    boolean dryRun;

    @Override
    public Integer call() throws IOException {
      Map<String, Object> request = new LinkedHashMap<>();
      request.put("pipeline", PipelineFile.read(file));
      request.put("file", file.toString()); // the processor's error lines name it
      String body = Json.write(request);
      AdminClient.Answer answer = client().post("admin/v1/views/apply"
          + (dryRun ? "?dryRun=true" : ""), body);
      return print(answer, reply -> ViewsOutput.applied(reply, dryRun));
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, sortOptions = false,
      description = "Lists the published views: NAME VERSION STATE LAG ROWS FRESHNESS.")
  static final class ListViews extends Base {
    @Override
    public Integer call() throws IOException {
      return print(client().get("admin/v1/views"), list -> ViewsOutput.table(list, Instant.now()));
    }
  }

  @Command(name = "describe", mixinStandardHelpOptions = true, sortOptions = false,
      description = "Prints everything about one view as JSON: every version's definition,"
          + " status and catalog entry.")
  static final class Describe extends Base {
    @Parameters(paramLabel = "NAME", description = "The view.")
    String view;

    @Override
    public Integer call() throws IOException {
      return print(client().get("admin/v1/views/" + encoded(view)),
          json -> List.of(ViewsOutput.pretty(json)));
    }
  }

  @Command(name = "drop", mixinStandardHelpOptions = true, sortOptions = false,
      description = "Drops a view: its query stops now; its rows and catalog entry go after the"
          + " grace period (reads answer 404 from then on).")
  static final class Drop extends Base {
    @Parameters(paramLabel = "NAME", description = "The view.")
    String view;

    @Override
    public Integer call() throws IOException {
      return print(client().delete("admin/v1/views/" + encoded(view)),
          reply -> ViewsOutput.dropped(reply, view));
    }
  }

  @Command(name = "preview", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Runs a view's SQL as a batch over the latest events of its sources and"
          + " prints the inferred columns and the rows; publishes nothing.",
          "Either -f FILE --view NAME, or --source S --sql \"SELECT …\" [--key COL]."})
  static final class Preview extends Base {
    @ArgGroup(exclusive = true, multiplicity = "1")
    What what;

    static final class What {
      @ArgGroup(exclusive = false)
      FromFile file;
      @ArgGroup(exclusive = false)
      FromSql sql;
    }

    static final class FromFile {
      @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE",
          description = "Pipeline file holding the view.")
      Path file;
      @Option(names = "--view", required = true, paramLabel = "NAME",
          description = "The view of FILE to preview.")
      String view;
    }

    static final class FromSql {
      @Option(names = "--source", required = true, paramLabel = "S",
          description = "The source (stream) to read.")
      String source;
      @Option(names = "--sql", required = true, paramLabel = "SQL",
          description = "The query, over the source by its name.")
      String sql;
      @Option(names = "--key", paramLabel = "COL", description = "The key column.")
      String key;
    }

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20",
        description = "Rows at most (1-1000, default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() throws IOException {
      Map<String, Object> body = new LinkedHashMap<>();
      if (what.file != null) {
        body.put("pipeline", PipelineFile.read(what.file.file));
        body.put("view", what.file.view);
      } else {
        body.put("source", what.sql.source);
        body.put("sql", what.sql.sql);
        if (what.sql.key != null) {
          body.put("key", what.sql.key);
        }
      }
      body.put("limit", limit);
      return print(client().post("admin/v1/views/preview", Json.write(body)),
          ViewsOutput::preview);
    }
  }

  private static String encoded(String view) {
    return URLEncoder.encode(view, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
