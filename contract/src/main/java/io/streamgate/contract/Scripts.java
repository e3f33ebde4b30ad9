package io.streamgate.contract;

import io.streamgate.contract.events.StreamEntry;
import java.util.List;

/**
 * The contract's atomic Redis operations and their arguments. Each script touches one hash slot,
 * so all of them run unchanged on Redis Cluster. Callers build KEYS and ARGV only through these
 * methods, so the argument order lives in one place, beside the scripts.
 */
public final class Scripts {
  /** Versioned row write plus its change message; see {@code write_row.lua}. */
  public static final Script WRITE_ROW = Script.load("write_row");
  /** Key index, rank and value index entries of a row; see {@code index_row.lua}. */
  public static final Script INDEX_ROW = Script.load("index_row");
  /** Versioned delete (a tombstone) plus its change message; see {@code delete_row.lua}. */
  public static final Script DELETE_ROW = Script.load("delete_row");
  /** Removes a deleted row's index entries; see {@code unindex_row.lua}. */
  public static final Script UNINDEX_ROW = Script.load("unindex_row");
  /** Read only: keys in every one of some value indexes, paged; see {@code filter_keys.lua}. */
  public static final Script FILTER_KEYS = Script.load("filter_keys");
  /**
   * Events folded into the running aggregates of one row of a real-time aggregate view, each once;
   * see {@code apply_deltas.lua}.
   */
  public static final Script APPLY_DELTAS = Script.load("apply_deltas");
  /** Catalog entry plus its announcement; see {@code register_view.lua}. */
  public static final Script REGISTER_VIEW = Script.load("register_view");
  /** Removes a catalog entry and announces it; see {@code unregister_view.lua}. */
  public static final Script UNREGISTER_VIEW = Script.load("unregister_view");

  private Scripts() {}

  /** KEYS of {@link #WRITE_ROW} for version 1 of the row's view; see {@link Names#table}. */
  public static List<String> writeRowKeys(Keyspace keyspace, Row row) {
    return writeRowKeys(keyspace, row.view(), row);
  }

  /** KEYS of {@link #WRITE_ROW} into {@code table}, one version of the row's view. */
  public static List<String> writeRowKeys(Keyspace keyspace, String table, Row row) {
    return List.of(keyspace.row(requireTableOf(table, row.view()), row.key()));
  }

  /** ARGV of {@link #WRITE_ROW} for version 1 of the row's view. */
  public static List<String> writeRowArgs(Keyspace keyspace, Row row, long ttlMillis) {
    return writeRowArgs(keyspace, row.view(), row, ttlMillis);
  }

  /**
   * ARGV of {@link #WRITE_ROW} into {@code table}. The change message goes to the table's
   * channel and names the view, not the table: clients never see tables.
   *
   * @param ttlMillis how long the row lives, 0 for ever
   */
  public static List<String> writeRowArgs(
      Keyspace keyspace, String table, Row row, long ttlMillis) {
    if (ttlMillis < 0) {
      throw new IllegalArgumentException("ttl must be >= 0 ms, but was " + ttlMillis);
    }
    return List.of(
        Long.toString(row.version()),
        Long.toString(row.updatedAt()),
        row.valueJson(),
        Long.toString(ttlMillis),
        keyspace.changeChannel(requireTableOf(table, row.view())),
        Row.jsonHead(row.view(), row.key(), row.version(), row.updatedAt()));
  }

  /**
   * KEYS of {@link #INDEX_ROW} and {@link #UNINDEX_ROW}: all of one table's index, one slot.
   *
   * @param table a view's name (its version 1) or a {@link Names#table} of it
   */
  public static List<String> indexRowKeys(Keyspace keyspace, String table) {
    Names.requireTableName(table);
    return List.of(keyspace.keysIndex(table), keyspace.rankIndex(table),
        keyspace.indexVersions(table), keyspace.deletedIndex(table),
        keyspace.indexedValues(table));
  }

  /** ARGV of {@link #INDEX_ROW} for a row of a view that declares no indexes. */
  public static List<String> indexRowArgs(Row row, Double rank) {
    return List.of(row.key(), Long.toString(row.version()), rankArg(rank), "", "");
  }

  /**
   * ARGV of {@link #INDEX_ROW} for a row written into {@code table}.
   *
   * @param rank the rank column's value, or null for a view without one (or a null value)
   * @param indexes the columns the view declares as indexes ({@link CatalogEntry#indexes}),
   *     empty for none; the row value's texts of them ({@link Indexes#values}) are indexed
   */
  public static List<String> indexRowArgs(Keyspace keyspace, String table, Row row, Double rank,
      List<String> indexes) {
    String values = indexes.isEmpty() ? ""
        : Indexes.valuesJson(Indexes.values(indexes, row.valueJson()));
    return List.of(row.key(), Long.toString(row.version()), rankArg(rank),
        keyspace.valueIndexPrefix(requireTableOf(table, row.view())), values);
  }

  private static String rankArg(Double rank) {
    if (rank != null && (rank.isNaN() || rank.isInfinite())) {
      throw new IllegalArgumentException("rank must be a finite number, but was " + rank);
    }
    return rank == null ? "" : rank.toString();
  }

  /** How {@link #APPLY_DELTAS} folds one partial aggregate. */
  public enum Fold {
    ADD('a'), MIN('n'), MAX('x');

    private final char letter;

    Fold(char letter) {
      this.letter = letter;
    }

    /**
     * The partial after folding {@code value} into {@code state} (null: no value yet), as the
     * script does it: the same double operations in the same order give the same double, so a
     * writer can predict the script's result ({@link #applyDeltasArgs(List, List, List, Keyspace,
     * String, Row, long)}); the script checks the prediction before acting on it.
     */
    public Double apply(Double state, double value) {
      return switch (this) {
        case ADD -> (state == null ? 0 : state) + value;
        case MIN -> state == null || value < state ? value : state;
        case MAX -> state == null || value > state ? value : state;
      };
    }
  }

  /**
   * A number as text for {@link #APPLY_DELTAS} that Lua reads back as the same double (Lua's
   * {@code tonumber} reads neither {@code Infinity} nor {@code NaN}; NaN has no text here).
   */
  public static String numberText(double d) {
    if (Double.isNaN(d)) {
      throw new IllegalArgumentException("NaN has no text for apply_deltas");
    }
    return Double.isInfinite(d) ? (d > 0 ? "1e999" : "-1e999") : Double.toString(d);
  }

  /**
   * What {@link #APPLY_DELTAS} returns: how many events it folded in, the row's sequence, whether
   * it made the predicted write, and the partials ({@code ""} for null).
   */
  public record Folded(long folded, long sequence, boolean written, List<String> partials) {
    /** From the script's reply: integers and bulk strings (byte[] or String) as the client gives them. */
    public static Folded of(List<?> reply) {
      List<String> partials = new java.util.ArrayList<>(reply.size() - 3);
      for (Object partial : reply.subList(3, reply.size())) {
        partials.add(text(partial));
      }
      return new Folded(((Number) reply.get(0)).longValue(), Long.parseLong(text(reply.get(1))),
          ((Number) reply.get(2)).longValue() == 1, partials);
    }

    private static String text(Object reply) {
      return reply instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8)
          : String.valueOf(reply);
    }
  }

  /**
   * One event for {@link #APPLY_DELTAS}: where it is in Kafka and its value for each partial, as
   * text that reads back as the same number ({@code Long.toString}, {@code Double.toString}), or
   * null to leave the partial as it is.
   */
  public record Delta(int partition, long offset, List<String> values) {}

  /** KEYS of {@link #APPLY_DELTAS}: the row's hash in {@code table}. */
  public static List<String> applyDeltasKeys(Keyspace keyspace, String table, String key) {
    return List.of(keyspace.row(Names.requireTableName(table), Names.requireKey(key)));
  }

  /** ARGV of {@link #APPLY_DELTAS}: {@code events} of one row, each partition's in offset order. */
  public static List<String> applyDeltasArgs(List<Fold> folds, List<Delta> events) {
    StringBuilder kinds = new StringBuilder(folds.size());
    folds.forEach(f -> kinds.append(f.letter));
    List<String> args = new java.util.ArrayList<>(2 + events.size() * (2 + folds.size()));
    args.add(kinds.toString());
    args.add(Integer.toString(events.size()));
    for (Delta e : events) {
      if (e.values().size() != folds.size()) {
        throw new IllegalArgumentException("an event has " + e.values().size() + " values for "
            + folds.size() + " partial aggregates");
      }
      args.add(Integer.toString(e.partition()));
      args.add(Long.toString(e.offset()));
      for (String v : e.values()) {
        args.add(v == null ? "" : v);
      }
    }
    return args;
  }

  /**
   * ARGV of {@link #APPLY_DELTAS} that also writes the row if the fold lands where the caller
   * predicted: {@code partials} are the partials it expects after {@code events} (its own
   * {@link Fold#apply} of the state the script returned last time; null for none), and {@code
   * row} the row computed from them, its version the expected sequence. One round trip instead of
   * two; where the prediction is wrong (another writer, a replay) the script only folds, and
   * {@link Folded#written()} says the caller must write the row itself.
   */
  public static List<String> applyDeltasArgs(List<Fold> folds, List<Delta> events,
      List<Double> partials, Keyspace keyspace, String table, Row row, long ttlMillis) {
    if (partials.size() != folds.size()) {
      throw new IllegalArgumentException(partials.size() + " predicted partials for "
          + folds.size() + " partial aggregates");
    }
    List<String> args = new java.util.ArrayList<>(applyDeltasArgs(folds, events));
    for (Double p : partials) {
      args.add(p == null ? "" : numberText(p));
    }
    args.addAll(writeRowArgs(keyspace, table, row, ttlMillis));
    return args;
  }

  /** KEYS of {@link #DELETE_ROW} in {@code table}, one version of the tombstone's view. */
  public static List<String> deleteRowKeys(Keyspace keyspace, String table, Tombstone tombstone) {
    return List.of(keyspace.row(requireTableOf(table, tombstone.view()), tombstone.key()));
  }

  /**
   * ARGV of {@link #DELETE_ROW} in {@code table}.
   *
   * @param retentionMillis how long the tombstone outlives the row, > 0
   */
  public static List<String> deleteRowArgs(
      Keyspace keyspace, String table, Tombstone tombstone, long retentionMillis) {
    return List.of(
        Long.toString(tombstone.version()),
        Long.toString(tombstone.deletedAt()),
        Long.toString(requireRetention(retentionMillis)),
        keyspace.changeChannel(requireTableOf(table, tombstone.view())),
        tombstone.toJson());
  }

  /** ARGV of {@link #UNINDEX_ROW} in {@code table}; KEYS are {@link #indexRowKeys}. */
  public static List<String> unindexRowArgs(Keyspace keyspace, String table, Tombstone tombstone,
      long retentionMillis) {
    return List.of(tombstone.key(), Long.toString(tombstone.version()),
        Long.toString(tombstone.deletedAt()), Long.toString(requireRetention(retentionMillis)),
        keyspace.valueIndexPrefix(requireTableOf(table, tombstone.view())));
  }

  /**
   * KEYS of {@link #FILTER_KEYS}: the value index of each condition, {@code column → indexed
   * text} ({@link Indexes#text}), of one table (one slot).
   */
  public static List<String> filterKeysKeys(Keyspace keyspace, String table,
      java.util.Map<String, String> where) {
    Names.requireTableName(table);
    if (where.isEmpty()) {
      throw new IllegalArgumentException("a filter needs at least one condition");
    }
    List<String> keys = new java.util.ArrayList<>(where.size());
    where.forEach((column, value) -> keys.add(keyspace.valueIndex(table, column, value)));
    return keys;
  }

  /**
   * ARGV of {@link #FILTER_KEYS}: matching keys after {@code afterKey} (exclusive; null from the
   * first) and, when {@code prefix} is not null, only keys starting with it (a tenant's keys;
   * {@code afterKey} must then start with it too).
   *
   * @param limit most keys returned, >= 1
   * @param walkBudget most keys of the smallest index walked in this call, >= 1
   */
  public static List<String> filterKeysArgs(String afterKey, String prefix, int limit,
      int walkBudget) {
    if (limit < 1 || walkBudget < 1) {
      throw new IllegalArgumentException("limit and walk budget must be >= 1, but were " + limit
          + " and " + walkBudget);
    }
    String start = "-";
    String end = "+";
    if (prefix != null && !prefix.isEmpty()) {
      start = "[" + prefix;
      end = "(" + prefixEnd(prefix);
    }
    if (afterKey != null) {
      if (prefix != null && !afterKey.startsWith(prefix)) {
        throw new IllegalArgumentException(
            "key '" + afterKey + "' to start after is outside prefix '" + prefix + "'");
      }
      start = "(" + afterKey;
    }
    return List.of(start, end, Integer.toString(limit), Integer.toString(walkBudget));
  }

  /**
   * A string greater than every string starting with {@code prefix} and smaller than any other
   * greater one, in Redis' byte order, for a prefix whose last character is ASCII (a tenant
   * prefix ends with ':').
   */
  private static String prefixEnd(String prefix) {
    char last = prefix.charAt(prefix.length() - 1);
    if (last >= 0x7f) {
      throw new IllegalArgumentException("prefix must end with an ASCII character: " + prefix);
    }
    return prefix.substring(0, prefix.length() - 1) + (char) (last + 1);
  }

  private static String requireTableOf(String table, String view) {
    if (!view.equals(Names.viewOfTable(table))) {
      throw new IllegalArgumentException(
          "table '" + table + "' does not hold view " + view + "; see Names.table");
    }
    return table;
  }

  private static long requireRetention(long retentionMillis) {
    if (retentionMillis <= 0) {
      throw new IllegalArgumentException(
          "tombstone retention must be > 0 ms, but was " + retentionMillis);
    }
    return retentionMillis;
  }

  public static List<String> registerViewKeys(Keyspace keyspace) {
    return List.of(keyspace.catalog());
  }

  public static List<String> registerViewArgs(Keyspace keyspace, CatalogEntry entry) {
    return List.of(entry.name(), entry.toJson(), keyspace.catalogChannel());
  }

  /** ARGV of {@link #UNREGISTER_VIEW}; KEYS are {@link #registerViewKeys}. */
  public static List<String> unregisterViewArgs(Keyspace keyspace, String view) {
    return List.of(Names.requireViewName(view), keyspace.catalogChannel());
  }

  /** {@link #REGISTER_VIEW} registers source streams too: same script, the streams hash. */
  public static List<String> registerStreamKeys(Keyspace keyspace) {
    return List.of(keyspace.streams());
  }

  public static List<String> registerStreamArgs(Keyspace keyspace, StreamEntry entry) {
    return List.of(entry.name(), entry.toJson(), keyspace.streamsChannel());
  }
}
