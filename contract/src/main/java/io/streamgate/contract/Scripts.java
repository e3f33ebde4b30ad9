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
  /** Key index and rank entry of a row; see {@code index_row.lua}. */
  public static final Script INDEX_ROW = Script.load("index_row");
  /** Versioned delete (a tombstone) plus its change message; see {@code delete_row.lua}. */
  public static final Script DELETE_ROW = Script.load("delete_row");
  /** Removes a deleted row's index entries; see {@code unindex_row.lua}. */
  public static final Script UNINDEX_ROW = Script.load("unindex_row");
  /** Catalog entry plus its announcement; see {@code register_view.lua}. */
  public static final Script REGISTER_VIEW = Script.load("register_view");

  private Scripts() {}

  public static List<String> writeRowKeys(Keyspace keyspace, Row row) {
    return List.of(keyspace.row(row.view(), row.key()));
  }

  /** @param ttlMillis how long the row lives, 0 for ever */
  public static List<String> writeRowArgs(Keyspace keyspace, Row row, long ttlMillis) {
    if (ttlMillis < 0) {
      throw new IllegalArgumentException("ttl must be >= 0 ms, but was " + ttlMillis);
    }
    return List.of(
        Long.toString(row.version()),
        Long.toString(row.updatedAt()),
        row.valueJson(),
        Long.toString(ttlMillis),
        keyspace.changeChannel(row.view()),
        Row.jsonHead(row.view(), row.key(), row.version(), row.updatedAt()));
  }

  /** KEYS of {@link #INDEX_ROW} and {@link #UNINDEX_ROW}: all of one view's index, one slot. */
  public static List<String> indexRowKeys(Keyspace keyspace, String view) {
    return List.of(keyspace.keysIndex(view), keyspace.rankIndex(view),
        keyspace.indexVersions(view), keyspace.deletedIndex(view));
  }

  /** @param rank the rank column's value, or null for a view without one (or a null value) */
  public static List<String> indexRowArgs(Row row, Double rank) {
    if (rank != null && (rank.isNaN() || rank.isInfinite())) {
      throw new IllegalArgumentException("rank must be a finite number, but was " + rank);
    }
    return List.of(row.key(), Long.toString(row.version()), rank == null ? "" : rank.toString());
  }

  public static List<String> deleteRowKeys(Keyspace keyspace, Tombstone tombstone) {
    return List.of(keyspace.row(tombstone.view(), tombstone.key()));
  }

  /** @param retentionMillis how long the tombstone outlives the row, > 0 */
  public static List<String> deleteRowArgs(
      Keyspace keyspace, Tombstone tombstone, long retentionMillis) {
    return List.of(
        Long.toString(tombstone.version()),
        Long.toString(tombstone.deletedAt()),
        Long.toString(requireRetention(retentionMillis)),
        keyspace.changeChannel(tombstone.view()),
        tombstone.toJson());
  }

  /** ARGV of {@link #UNINDEX_ROW}; KEYS are {@link #indexRowKeys}. */
  public static List<String> unindexRowArgs(Tombstone tombstone, long retentionMillis) {
    return List.of(tombstone.key(), Long.toString(tombstone.version()),
        Long.toString(tombstone.deletedAt()), Long.toString(requireRetention(retentionMillis)));
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

  /** {@link #REGISTER_VIEW} registers source streams too: same script, the streams hash. */
  public static List<String> registerStreamKeys(Keyspace keyspace) {
    return List.of(keyspace.streams());
  }

  public static List<String> registerStreamArgs(Keyspace keyspace, StreamEntry entry) {
    return List.of(entry.name(), entry.toJson(), keyspace.streamsChannel());
  }
}
