package io.streamgate.contract;

/**
 * Where every piece of a view lives in Redis. One namespace prefix (default {@value #DEFAULT_PREFIX})
 * lets several deployments share a Redis.
 *
 * <p>Cluster layout: every script touches keys of one hash slot only. Rows are spread over all
 * slots (no hash tag of ours), while a view's index keys share the tag {@code {<prefix>:<view>}}
 * so the index script can update them together.
 *
 * <pre>
 *   &lt;p&gt;:row:&lt;view&gt;:&lt;key&gt;        hash   version, updatedAt, value   (one per row; a tombstone
 *                                          has deleted = 1 and no value)
 *   {&lt;p&gt;:&lt;view&gt;}:keys              zset   every key, score 0, for paging by key order
 *   {&lt;p&gt;:&lt;view&gt;}:rank              zset   key → rank column value, for top-N
 *   {&lt;p&gt;:&lt;view&gt;}:ixver             hash   key → version of its index entries (or of its delete)
 *   {&lt;p&gt;:&lt;view&gt;}:deleted           zset   deleted key → deletedAt, until the tombstone retention
 *   {&lt;p&gt;:&lt;view&gt;}:ix:&lt;col&gt;:&lt;value&gt;  zset   keys whose column has that indexed value, score 0 (paging)
 *   {&lt;p&gt;:&lt;view&gt;}:ixval             hash   key → JSON of its indexed values, to move it on change
 *   &lt;p&gt;:catalog                      hash   view name → catalog entry JSON
 *   &lt;p&gt;:changes:&lt;view&gt;              channel  change messages of that view
 *   &lt;p&gt;:catalog:changes              channel  names of views (re)registered
 *   &lt;p&gt;:streams                      hash   stream name → stream entry JSON (event ingest)
 *   &lt;p&gt;:streams:changes              channel  names of streams (re)registered
 *   &lt;p&gt;:defs:views                   hash   view name → published definition (processor's)
 *   &lt;p&gt;:defs:sources                 hash   source name → published definition
 *   &lt;p&gt;:status:views                 hash   view name → ViewStatus JSON
 *   &lt;p&gt;:control                      stream admin requests (ControlRequest JSON)
 *   &lt;p&gt;:control:reply:&lt;id&gt;           string the processor's ControlReply, for minutes
 *   &lt;p&gt;:control:replies              channel  ids of requests just answered
 *   {&lt;p&gt;:apikeys}                    hash   API key id → key record JSON (hash of the secret)
 *   {&lt;p&gt;:apikeys}:rev                string revision, incremented with every key change
 *   &lt;p&gt;:apikeys:changes              channel  ids of keys created or revoked
 *   {&lt;p&gt;:usage:&lt;sub&gt;}:&lt;day&gt;         hash   "&lt;view or stream&gt; &lt;counter&gt;" → count, one UTC day
 *   {&lt;p&gt;:usage:&lt;sub&gt;}:total:&lt;period&gt;  hash   counter → count, one UTC day or month (quotas)
 * </pre>
 *
 * Immutable and thread-safe.
 */
public final class Keyspace {
  public static final String DEFAULT_PREFIX = "sg";

  private final String prefix;

  public Keyspace(String prefix) {
    if (prefix == null || !prefix.matches("[A-Za-z0-9_.-]{1,32}")) {
      throw new IllegalArgumentException(
          "namespace prefix must be 1-32 characters of [A-Za-z0-9_.-], but was '" + prefix + "'");
    }
    this.prefix = prefix;
  }

  public static Keyspace defaults() {
    return new Keyspace(DEFAULT_PREFIX);
  }

  public String prefix() {
    return prefix;
  }

  public String row(String view, String key) {
    return prefix + ":row:" + view + ":" + key;
  }

  /** The part of {@link #row} before the key, for scans and for stripping the key back out. */
  public String rowPrefix(String view) {
    return prefix + ":row:" + view + ":";
  }

  public String keysIndex(String view) {
    return viewTag(view) + ":keys";
  }

  public String rankIndex(String view) {
    return viewTag(view) + ":rank";
  }

  /** Key → version of the key's index entries, or of its delete while the delete is remembered. */
  public String indexVersions(String view) {
    return viewTag(view) + ":ixver";
  }

  /** Deleted keys → deletedAt: which index versions to forget once the tombstone retention passed. */
  public String deletedIndex(String view) {
    return viewTag(view) + ":deleted";
  }

  /**
   * The keys whose {@code column} has the indexed text {@code value} ({@link Indexes#text}),
   * score 0, ordered by key like {@link #keysIndex}. Redis deletes it when its last key leaves.
   */
  public String valueIndex(String view, String column, String value) {
    return valueIndexPrefix(view) + column + ":" + value;
  }

  /** Everything of {@link #valueIndex} before the column: the index script appends the rest. */
  public String valueIndexPrefix(String view) {
    return viewTag(view) + ":ix:";
  }

  /** Key → JSON object of its indexed values ({@link Indexes#valuesJson}), the entries to move. */
  public String indexedValues(String view) {
    return viewTag(view) + ":ixval";
  }

  public String catalog() {
    return prefix + ":catalog";
  }

  public String changeChannel(String view) {
    return prefix + ":changes:" + view;
  }

  /** Pattern matching every view's change channel (for PSUBSCRIBE). */
  public String changeChannelPattern() {
    return prefix + ":changes:*";
  }

  /** The view name of a change channel, or null if the channel is not one of ours. */
  public String viewOfChannel(String channel) {
    String head = prefix + ":changes:";
    return channel.startsWith(head) ? channel.substring(head.length()) : null;
  }

  public String catalogChannel() {
    return prefix + ":catalog:changes";
  }

  /** Source streams the processor reads, for event ingest: name → {@code StreamEntry} JSON. */
  public String streams() {
    return prefix + ":streams";
  }

  public String streamsChannel() {
    return prefix + ":streams:changes";
  }

  /** Published view definitions, owned by the processor: view name → definition JSON. */
  public String viewDefinitions() {
    return prefix + ":defs:views";
  }

  /** Published source definitions, owned by the processor: source name → definition JSON. */
  public String sourceDefinitions() {
    return prefix + ":defs:sources";
  }

  /** View name → {@code ViewStatus} JSON, written by the processor. */
  public String viewStatus() {
    return prefix + ":status:views";
  }

  /** The stream of admin requests ({@code ControlRequest}) the processor carries out in order. */
  public String control() {
    return prefix + ":control";
  }

  /** Where the processor leaves its {@code ControlReply} to request {@code id}. */
  public String controlReply(String id) {
    return prefix + ":control:reply:" + id;
  }

  /** Announces the id of each request just answered, so waiting gateways need not poll. */
  public String controlReplies() {
    return prefix + ":control:replies";
  }

  /** API key id → key record JSON; shares its slot with {@link #apiKeysRevision()}. */
  public String apiKeys() {
    return "{" + prefix + ":apikeys}";
  }

  /** Grows with every change of {@link #apiKeys()}: gateways poll it to notice lost messages. */
  public String apiKeysRevision() {
    return apiKeys() + ":rev";
  }

  /** Announces the id of each API key created or revoked. */
  public String apiKeysChannel() {
    return prefix + ":apikeys:changes";
  }

  /**
   * One principal's usage on one UTC day ({@code day} as {@code 2026-12-05}): field
   * {@code "<view or stream> <counter>"} → count. All usage keys of a principal share a slot.
   */
  public String usage(String subject, String day) {
    return usageTag(subject) + ":" + day;
  }

  /**
   * One principal's totals over one UTC period ({@code 2026-12-05} or {@code 2026-12}): field
   * counter → count; what quotas compare with.
   */
  public String usageTotal(String subject, String period) {
    return usageTag(subject) + ":total:" + period;
  }

  private String usageTag(String subject) {
    return "{" + prefix + ":usage:" + subject + "}";
  }

  private String viewTag(String view) {
    return "{" + prefix + ":" + view + "}";
  }

  @Override
  public String toString() {
    return "Keyspace[" + prefix + "]";
  }
}
