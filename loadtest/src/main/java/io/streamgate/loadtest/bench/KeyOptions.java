package io.streamgate.loadtest.bench;

import io.streamgate.loadtest.bench.keys.KeyChooser;
import picocli.CommandLine.Option;

/** Which rows of which view the load touches. */
public final class KeyOptions {
  @Option(names = "--view", paramLabel = "NAME", defaultValue = "bench_rows",
      description = "View to read (default: ${DEFAULT-VALUE}, what ./streamgate seed writes).")
  String view;

  @Option(names = "--keys", paramLabel = "N", defaultValue = "10000",
      description = "Keys <prefix>0..<prefix>N-1 (default: ${DEFAULT-VALUE}).")
  int keys;

  @Option(names = "--key-prefix", paramLabel = "P", defaultValue = "k",
      description = "Key prefix (default: ${DEFAULT-VALUE}, as ./streamgate seed).")
  String keyPrefix;

  @Option(names = "--dist", paramLabel = "uniform|zipf", defaultValue = "uniform",
      description = "Key distribution; zipf makes <prefix>0 hottest (default: ${DEFAULT-VALUE}).")
  String distribution;

  @Option(names = "--zipf-exponent", paramLabel = "S", defaultValue = "1.0",
      description = "Zipf exponent, > 0 (default: ${DEFAULT-VALUE}).")
  double zipfExponent;

  public String view() {
    return view;
  }

  public KeyChooser chooser() {
    KeyChooser.Distribution dist = switch (distribution.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "uniform" -> KeyChooser.Distribution.UNIFORM;
      case "zipf" -> KeyChooser.Distribution.ZIPF;
      default -> throw new IllegalArgumentException("--dist must be uniform or zipf, but was '" + distribution + "'");
    };
    return new KeyChooser(keyPrefix, keys, dist, zipfExponent);
  }
}
