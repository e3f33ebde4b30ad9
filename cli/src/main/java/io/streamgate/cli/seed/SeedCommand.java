package io.streamgate.cli.seed;

import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.Keyspace;
import io.streamgate.contract.Names;
import io.streamgate.contract.Row;
import io.streamgate.contract.Scripts;
import io.streamgate.contract.ViewKind;
import java.io.PrintWriter;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * {@code streamgate seed}: registers a synthetic view and writes N rows into it through the
 * serving contract's scripts, exactly as the processor would, so the gateway can be measured
 * without Kafka and Spark in the loop. Keys are {@code k0 … k<N-1>}. With {@code --groups G},
 * each row also has {@code grp = "g<i mod G>"} and the view declares {@code indexes: [grp]}, for
 * filtered reads ({@code ?grp=g7}: N/G rows each).
 */
@Command(name = "seed", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Writes a synthetic view of N rows into Redis through the serving contract (for benchmarks).")
public final class SeedCommand implements Callable<Integer> {
  private static final int PIPELINE_BATCH = 1_000;

  @Option(names = "--redis", paramLabel = "URL", defaultValue = "redis://127.0.0.1:16379",
      description = "Redis to write to (default: ${DEFAULT-VALUE}, the demo's).")
  String redisUrl;

  @Option(names = "--namespace", paramLabel = "PREFIX", defaultValue = Keyspace.DEFAULT_PREFIX,
      description = "Key namespace (default: ${DEFAULT-VALUE}).")
  String namespace;

  @Option(names = "--view", paramLabel = "NAME", defaultValue = "bench_rows",
      description = "View to create (default: ${DEFAULT-VALUE}).")
  String view;

  @Option(names = "--rows", paramLabel = "N", defaultValue = "10000",
      description = "Rows to write, keys k0..k<N-1> (default: ${DEFAULT-VALUE}).")
  int rows;

  @Option(names = "--row-version", paramLabel = "V", defaultValue = "1",
      description = "Version of every row; rerun with a higher one to update them all (default: ${DEFAULT-VALUE}).")
  long version;

  @Option(names = "--groups", paramLabel = "G", defaultValue = "0",
      description = "Give rows an indexed column grp = g<i mod G> (0: none; default: ${DEFAULT-VALUE}).")
  int groups;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    String problem = Names.viewNameProblem(view);
    if (problem != null || rows < 1 || version < 1 || groups < 0) {
      throw new ParameterException(spec.commandLine(), problem != null ? problem
          : "--rows and --row-version must be at least 1, --groups at least 0");
    }
    List<String> indexes = groups > 0 ? List.of("grp") : List.of();
    Keyspace keyspace = new Keyspace(namespace);
    URI uri = URI.create(redisUrl);
    PrintWriter out = spec.commandLine().getOut();
    long started = System.nanoTime();
    try (Jedis jedis = new Jedis(uri)) {
      List<CatalogEntry.Column> columns = new java.util.ArrayList<>(List.of(
          new CatalogEntry.Column("n", "bigint"), new CatalogEntry.Column("label", "string")));
      if (groups > 0) {
        columns.add(new CatalogEntry.Column("grp", "string"));
      }
      CatalogEntry entry = new CatalogEntry(view, "Synthetic rows for benchmarks", "id", ViewKind.LATEST,
          columns, "n", 0, System.currentTimeMillis(), 1, List.of(), indexes);
      jedis.eval(Scripts.REGISTER_VIEW.source(), Scripts.registerViewKeys(keyspace),
          Scripts.registerViewArgs(keyspace, entry));
      String writeSha = jedis.scriptLoad(Scripts.WRITE_ROW.source());
      String indexSha = jedis.scriptLoad(Scripts.INDEX_ROW.source());
      for (int from = 0; from < rows; from += PIPELINE_BATCH) {
        Pipeline pipeline = jedis.pipelined();
        for (int i = from; i < Math.min(rows, from + PIPELINE_BATCH); i++) {
          Row row = new Row(view, "k" + i, version, System.currentTimeMillis(),
              "{\"n\":" + i + ",\"label\":\"row " + i + "\""
                  + (groups > 0 ? ",\"grp\":\"g" + (i % groups) + "\"" : "") + "}");
          pipeline.evalsha(writeSha, Scripts.writeRowKeys(keyspace, row), Scripts.writeRowArgs(keyspace, row, 0));
          pipeline.evalsha(indexSha, Scripts.indexRowKeys(keyspace, view),
              Scripts.indexRowArgs(keyspace, view, row, (double) i, indexes));
        }
        pipeline.sync();
      }
    }
    out.printf("seeded view %s with %d rows (version %d) in %d ms%n", view, rows, version,
        (System.nanoTime() - started) / 1_000_000);
    return 0;
  }
}
