package io.streamgate.gateway.push.internal;

import io.micrometer.core.instrument.Counter;
import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.Change;
import io.streamgate.contract.Indexes;
import io.streamgate.contract.Row;
import io.streamgate.contract.Tombstone;
import io.streamgate.gateway.auth.Access;
import io.streamgate.gateway.auth.AuthenticationException;
import io.streamgate.gateway.auth.Principal;
import io.streamgate.gateway.cache.Read;
import io.streamgate.gateway.config.PushConfig;
import io.streamgate.gateway.push.Push;
import io.streamgate.gateway.store.MatchingRows;
import io.streamgate.gateway.store.RowBatch;
import io.streamgate.gateway.store.SnapshotReads;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One push connection (a WebSocket, or an SSE response with one subscription): its principal,
 * subscriptions and outbox. Everything runs on the connection's event loop; results of reads
 * and token checks are brought back to it first. Rows and deletes reach the client in version
 * order per key, each version at most once: a subscription records the newest version it handed
 * out and drops anything not newer. A subscription follows one view version (the serving one);
 * when the view switches, it gets {@code switch}, then a fresh snapshot from the new version,
 * and only that version's changes after it. A filtered subscription ({@code where}) follows every
 * change of its view and tells the client which rows enter and leave its filter
 * ({@link MatchingRows}, shared with GraphQL), from the set of keys it has sent as matching.
 */
final class Session {
  // Usage's counters (this class also uses Micrometer's Counter).
  private static final io.streamgate.gateway.usage.Counter PUSHED =
      io.streamgate.gateway.usage.Counter.PUSH_MESSAGES;
  private static final io.streamgate.gateway.usage.Counter PUSHED_BYTES =
      io.streamgate.gateway.usage.Counter.PUSH_BYTES;
  private final SessionServices services;
  private final LoopFanout loop;
  private final Transport transport;
  private final Outbox outbox;
  private final Map<String, Sub> subs = new LinkedHashMap<>();
  /** SSE: the stream ends when its one subscription does. */
  private final boolean endWithLastSubscription;
  private final Counter sentSnapshots;
  private final Counter sentUpdates;
  private final Counter sentDeletes;
  private final Counter sentControl;
  private final Counter coalesced;
  /** The client's address, for counting its failed in-band token checks. */
  private final String address;
  /** Key reads this connection may ask for; null: no budget (SSE: one subscription). */
  private final MessageBudget budget;
  private int refusedInRow;
  private Principal principal;
  private long expiresAtSeconds;
  private long expiryTimer = -1;
  private long lastHeardMs;
  private boolean closed;
  private boolean cleaned;

  /**
   * @param address        the client's address
   * @param budgetPerMinute key reads per minute this connection may ask for; 0: no budget
   */
  Session(SessionServices services, LoopFanout loop, Transport transport, Principal principal,
      boolean endWithLastSubscription, String address, long budgetPerMinute) {
    this.services = services;
    this.loop = loop;
    this.transport = transport;
    this.principal = principal;
    this.address = address;
    this.budget = budgetPerMinute > 0
        ? new MessageBudget(budgetPerMinute, System.currentTimeMillis()) : null;
    this.expiresAtSeconds = principal.expiresAt();
    this.endWithLastSubscription = endWithLastSubscription;
    this.outbox = new Outbox(services.config().maxPending());
    PushMetrics metrics = services.metrics();
    this.sentSnapshots = metrics.sentCounter(transport.name(), "snapshot");
    this.sentUpdates = metrics.sentCounter(transport.name(), "update");
    this.sentDeletes = metrics.sentCounter(transport.name(), "delete");
    this.sentControl = metrics.sentCounter(transport.name(), "control");
    this.coalesced = metrics.coalescedCounter(transport.name());
  }

  void start() {
    loop.add(this);
    services.metrics().connections(transport.name(), 1);
    transport.drainHandler(this::flush);
    lastHeardMs = System.currentTimeMillis();
    scheduleExpiry();
  }

  // ---- client input (WebSocket)

  void onText(String text) {
    heard();
    if (closed) {
      return;
    }
    int max = services.config().maxFrameBytes();
    if (text.length() > max || text.getBytes(StandardCharsets.UTF_8).length > max) {
      frameTooLarge(text.getBytes(StandardCharsets.UTF_8).length);
      return;
    }
    Protocol.Op op;
    try {
      op = Protocol.parse(text, services.config().maxKeysPerSubscription());
    } catch (Protocol.ProtocolException e) {
      if (withinBudget(e.id(), 1)) {
        error(e.id(), e.code(), e.getMessage());
      }
      return;
    }
    int cost = op instanceof Protocol.Subscribe s && s.keys() != null ? s.keys().size() : 1;
    if (!withinBudget(op instanceof Protocol.Subscribe s ? s.id() : null, cost)) {
      return;
    }
    if (op instanceof Protocol.Subscribe subscribe) {
      subscribe(subscribe);
    } else if (op instanceof Protocol.Unsubscribe unsubscribe) {
      unsubscribe(unsubscribe.id());
    } else if (op instanceof Protocol.Auth auth) {
      refresh(auth.token());
    } else {
      send(Outbox.Entry.control("pong", Protocol.pong()));
    }
  }

  void onBinary() {
    heard();
    if (withinBudget(null, 1)) {
      error(null, Protocol.BAD_REQUEST,
          "binary frames are not part of the protocol; send JSON text");
    }
  }

  /** A message longer than {@code push.maxFrameBytes} (but within the hard maximum) ended. */
  void frameTooLarge(long bytes) {
    if (withinBudget(null, 1)) {
      error(null, Protocol.FRAME_TOO_LARGE, "a message may have at most "
          + services.config().maxFrameBytes() + " bytes, but had " + bytes);
    }
  }

  /** A message grew above the hard maximum: say so, then close with 1009. */
  void messageTooBig(long bytes) {
    error(null, Protocol.FRAME_TOO_LARGE, "a message may have at most "
        + services.config().maxFrameBytes() + " bytes; this one passed "
        + PushConfig.MAX_MESSAGE_BYTES + " (" + bytes + " so far), so the connection closes");
    loop.context.runOnContext(v -> drop("message_too_big", Push.CLOSE_TOO_BIG,
        "message larger than " + PushConfig.MAX_MESSAGE_BYTES + " bytes"));
  }

  /**
   * Takes {@code cost} key reads from the budget, or answers {@code rate_limited} (and closes the
   * socket after {@link PushConfig#MAX_REFUSED_MESSAGES} refusals in a row).
   */
  private boolean withinBudget(String id, int cost) {
    if (budget == null) {
      return true;
    }
    long now = System.currentTimeMillis();
    if (budget.tryTake(cost, now)) {
      refusedInRow = 0;
      return true;
    }
    if (++refusedInRow >= PushConfig.MAX_REFUSED_MESSAGES) {
      error(id, Protocol.RATE_LIMITED, "message budget exceeded " + refusedInRow
          + " times in a row; closing");
      loop.context.runOnContext(v -> drop("rate_limited", Push.CLOSE_RATE_LIMITED,
          "message budget exceeded repeatedly"));
      return false;
    }
    error(id, Protocol.RATE_LIMITED, "message budget of " + budget.perMinute()
        + " key reads per minute used up (a subscribe costs one per key, any other message"
        + " one; this one costs " + cost + "); " + (cost > budget.perMinute()
            ? "split it into subscriptions of fewer keys"
            : "retry in " + budget.secondsUntil(cost, now) + " s"));
    return false;
  }

  void heard() {
    lastHeardMs = System.currentTimeMillis();
  }

  // ---- subscriptions

  void subscribe(Protocol.Subscribe op) {
    if (subs.containsKey(op.id())) {
      error(op.id(), Protocol.DUPLICATE_ID, "subscription '" + op.id()
          + "' exists; unsubscribe it first or use another id");
      return;
    }
    if (subs.size() >= services.config().maxSubscriptions()) {
      error(op.id(), Protocol.TOO_MANY_SUBSCRIPTIONS, "at most "
          + services.config().maxSubscriptions() + " subscriptions per connection");
      return;
    }
    Access.Refusal refusal = Access.read(principal, services.catalog(), op.view(), op.keys());
    if (refusal != null) {
      error(op.id(), Protocol.code(refusal), refusal.message());
      return;
    }
    CatalogEntry entry = services.catalog().find(op.view()).orElse(null);
    if (entry == null) { // dropped from the catalog since the check
      error(op.id(), Protocol.UNKNOWN_VIEW, "view '" + op.view() + "' is not in the catalog");
      return;
    }
    Map<String, String> where = null;
    if (op.where() != null) {
      try {
        where = Indexes.where(entry, op.where());
      } catch (IllegalArgumentException e) {
        error(op.id(), Protocol.BAD_REQUEST, e.getMessage());
        return;
      }
    }
    // A tenant-bound principal's filter reads only its tenant's keys (by key range).
    String keyPrefix = where != null && principal.tenantBound()
        ? principal.tenant() + Principal.TENANT_SEPARATOR : null;
    Sub sub = new Sub(this, op.id(), op.view(), op.keys(), where == null ? null
        : new MatchingRows(op.view(), where, keyPrefix,
            services.config().maxKeysPerSubscription()), entry.version());
    subs.put(sub.id, sub);
    loop.add(sub);
    services.metrics().subscriptions(transport.name(), 1);
    // Versions of another view version say nothing about this one's rows.
    boolean sameVersion = op.viewVersion() == null || op.viewVersion() == sub.version;
    if (sub.wholeView()) {
      send(Outbox.Entry.control("subscribed",
          Protocol.subscribed(sub.id, sub.view, sub.version, 0, List.of(), List.of())));
    } else if (sub.filtered()) {
      readFiltered(sub, sameVersion ? op.versions() : Map.of(), true);
    } else {
      readSnapshot(sub, sameVersion ? op.versions() : Map.of(), true);
    }
  }

  /**
   * The filtered counterpart of {@link #readSnapshot}: reads every matching row (at most
   * {@code push.maxKeysPerSubscription}) and sends those the client does not hold at that
   * version, then {@code leave} for keys the client said it holds ({@code versions}, a resume)
   * that match no longer, then, if {@code acknowledge}, {@code subscribed}. Changes arriving
   * meanwhile are held and merged as for keys.
   */
  private void readFiltered(Sub sub, Map<String, Long> versions, boolean acknowledge) {
    sub.matching.startRead();
    long read = ++sub.reads;
    long version = sub.version;
    loop.read(() -> sub.matching.read(services.store(), version))
        .onComplete(ar -> onLoop(() -> {
          if (sub.reads == read) {
            filteredRead(sub, versions, acknowledge, ar);
          }
        }));
  }

  private void filteredRead(Sub sub, Map<String, Long> versions, boolean acknowledge,
      AsyncResult<List<Row>> ar) {
    if (closed || !sub.active) {
      sub.matching.abandonRead();
      return;
    }
    MatchingRows.Snapshot snapshot;
    try {
      if (ar.failed()) {
        sub.matching.abandonRead();
        throw ar.cause();
      }
      snapshot = sub.matching.finishRead(ar.result(), principal::canReadKey, versions);
    } catch (Throwable failure) {
      removeSub(sub);
      outbox.removeSubscription(sub);
      if (failure instanceof MatchingRows.Refused refused) {
        error(sub.id, refused.tooManyRows() ? Protocol.TOO_MANY_ROWS : Protocol.OVERLOADED,
            refused.getMessage());
      } else if (failure instanceof SnapshotReads.Overloaded overloaded) {
        error(sub.id, Protocol.OVERLOADED, overloaded.getMessage());
      } else {
        error(sub.id, Protocol.UNAVAILABLE, "the matching rows could not be read from the store"
            + " (" + failure.getMessage() + "); subscribe again shortly");
      }
      return;
    }
    for (Row row : snapshot.rows()) {
      send(Outbox.Entry.filtered(Outbox.Kind.SNAPSHOT, sub, sub.id, row, sub.version));
    }
    for (Change gone : snapshot.left()) {
      send(Outbox.Entry.filtered(Outbox.Kind.LEAVE, sub, sub.id, gone, sub.version));
    }
    if (acknowledge && !closed) {
      send(Outbox.Entry.control("subscribed", Protocol.subscribed(sub.id, sub.view,
          sub.version, snapshot.rows().size(), snapshot.upToDate(), List.of())));
    }
  }

  /** A change of a filtered subscription's view, not held: enter, update, leave or nothing. */
  private void onFilteredChange(Sub sub, Change change, long viewVersion) {
    if (!principal.canReadKey(change.key())) {
      return;
    }
    MatchingRows.Move move;
    try {
      move = sub.matching.move(change);
    } catch (MatchingRows.Refused tooMany) {
      removeSub(sub);
      outbox.removeSubscription(sub);
      error(sub.id, Protocol.TOO_MANY_ROWS, tooMany.getMessage());
      return;
    }
    Outbox.Kind kind = switch (move) {
      case ENTER -> Outbox.Kind.ENTER;
      case UPDATE -> Outbox.Kind.UPDATE;
      case LEAVE -> Outbox.Kind.LEAVE;
      case NONE -> null;
    };
    if (kind != null) {
      send(Outbox.Entry.filtered(kind, sub, sub.id, change, viewVersion));
    }
  }

  /**
   * Reads the subscription's rows and sends, per key, the row if newer than the version the
   * client has (a {@code delete} if it was deleted since), then, if {@code acknowledge},
   * {@code subscribed}. Changes arriving during the read are held and merged (newest wins), so
   * nothing between the read and going live is lost or sent twice. A later read of the same
   * subscription (a switch) makes this one's answer void.
   */
  private void readSnapshot(Sub sub, Map<String, Long> versions, boolean acknowledge) {
    sub.held = new HashMap<>();
    long read = ++sub.reads;
    long version = sub.version;
    loop.read(() -> services.rows().getAll(sub.view, version, sub.keys))
        .onComplete(ar -> onLoop(() -> {
          if (sub.reads == read) {
            snapshotRead(sub, versions, acknowledge, ar);
          }
        }));
  }

  private void snapshotRead(Sub sub, Map<String, Long> versions, boolean acknowledge,
      AsyncResult<Read<RowBatch>> ar) {
    Map<String, Change> held = sub.held;
    sub.held = null;
    if (closed || !sub.active) {
      return;
    }
    if (ar.failed()) {
      String id = sub.id;
      removeSub(sub);
      if (ar.cause() instanceof SnapshotReads.Overloaded overloaded) {
        error(id, Protocol.OVERLOADED, overloaded.getMessage());
      } else {
        error(id, Protocol.UNAVAILABLE, "the rows could not be read from the store ("
            + ar.cause().getMessage() + "); subscribe again shortly");
      }
      return;
    }
    Map<String, Change> found = new HashMap<>();
    for (Row row : ar.result().value().found()) {
      found.put(row.key(), row);
    }
    for (Tombstone tombstone : ar.result().value().deleted()) {
      found.put(tombstone.key(), tombstone);
    }
    int snapshots = 0;
    List<String> upToDate = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (String key : sub.keys) {
      Change change = newest(found.get(key), held.get(key));
      Long had = versions.get(key);
      if (change instanceof Tombstone) {
        // No row: missing. A client that holds an older version of it is told it was deleted.
        missing.add(key);
        sub.sent.put(key, change.version());
        if (had != null && change.version() > had) {
          send(Outbox.Entry.change(Outbox.Kind.UPDATE, sub, sub.id, change, sub.version, false));
        }
      } else if (change == null) {
        missing.add(key);
      } else if (had != null && change.version() == had) {
        upToDate.add(key);
        sub.sent.put(key, had);
      } else {
        // Older than what the client has: the store was reset; say so rather than stay silent.
        boolean reset = had != null && change.version() < had;
        sub.sent.put(key, change.version());
        send(Outbox.Entry.change(Outbox.Kind.SNAPSHOT, sub, sub.id, change, sub.version, reset));
        snapshots++;
      }
    }
    if (acknowledge && !closed) {
      send(Outbox.Entry.control("subscribed",
          Protocol.subscribed(sub.id, sub.view, sub.version, snapshots, upToDate, missing)));
    }
  }

  private void unsubscribe(String id) {
    Sub sub = subs.get(id);
    if (sub == null) {
      error(id, Protocol.UNKNOWN_SUBSCRIPTION, "no subscription '" + id + "' on this connection");
      return;
    }
    removeSub(sub);
    outbox.removeSubscription(sub);
    send(Outbox.Entry.control("unsubscribed", Protocol.unsubscribed(id)));
  }

  private void removeSub(Sub sub) {
    if (!sub.active) {
      return;
    }
    sub.active = false;
    subs.remove(sub.id);
    loop.remove(sub);
    services.metrics().subscriptions(transport.name(), -1);
    if (endWithLastSubscription && subs.isEmpty()) {
      // Later, so that the message explaining why (sent right after this) goes out first.
      loop.context.runOnContext(v -> close((short) 1011, "the subscription ended"));
    }
  }

  /** A change of a row {@code sub} follows, in view version {@code viewVersion}; on this loop. */
  void onChange(Sub sub, Change change, long viewVersion) {
    if (closed || !sub.active || viewVersion != sub.version) {
      return;
    }
    if (sub.filtered() && sub.matching.reading()) {
      sub.matching.hold(change);
      return;
    }
    if (sub.held != null) {
      sub.held.merge(change.key(), change, Session::newest);
      return;
    }
    if (sub.filtered()) {
      onFilteredChange(sub, change, viewVersion);
      return;
    }
    if (sub.wholeView()) {
      // The feed delivers each key's versions in order, so only the tenant needs checking.
      if (principal.canReadKey(change.key())) {
        send(Outbox.Entry.change(Outbox.Kind.UPDATE, sub, sub.id, change, viewVersion, false));
      }
      return;
    }
    Long last = sub.sent.get(change.key());
    if (last != null && change.version() <= last) {
      return;
    }
    sub.sent.put(change.key(), change.version());
    send(Outbox.Entry.change(Outbox.Kind.UPDATE, sub, sub.id, change, viewVersion, false));
  }

  /**
   * View {@code view} is served by {@code version} now. Each subscription of it still on another
   * version drops what waits for it (rows of the old version), gets {@code switch}, and then, if
   * keyed, a snapshot of its keys from the new version and {@code subscribed}; its row versions
   * start over (those of two view versions are unrelated). Changes of the old version are
   * ignored from here on, and the new version's that arrive during the read are held, so the
   * client sees no row of the old version after {@code switch} and misses none of the new.
   */
  void switched(String view, long version) {
    if (closed) {
      return;
    }
    for (Sub sub : new ArrayList<>(subs.values())) {
      if (!sub.view.equals(view) || sub.version == version) {
        continue;
      }
      sub.version = version;
      sub.sent.clear();
      if (sub.filtered()) {
        sub.matching.clear();
      }
      outbox.removeSubscription(sub);
      send(Outbox.Entry.control("switch", Protocol.switched(sub.id, view, version)));
      if (sub.filtered()) {
        readFiltered(sub, Map.of(), true);
      } else if (!sub.wholeView()) {
        readSnapshot(sub, Map.of(), true);
      }
    }
  }

  /** The gateway's change subscription was lost: updates pause until it is back. */
  void feedLost() {
    send(Outbox.Entry.control("status", Protocol.status(false)));
  }

  /**
   * The change subscription is back; changes made meanwhile were not received. Keyed
   * subscriptions re-read their rows (newer ones go out as snapshots); whole-view subscriptions
   * are told to re-read what they need.
   */
  void feedRestored() {
    send(Outbox.Entry.control("status", Protocol.status(true)));
    for (Sub sub : new ArrayList<>(subs.values())) {
      if (sub.wholeView()) {
        send(Outbox.Entry.control("resync", Protocol.resync(sub.id, sub.view)));
      } else if (!sub.reading() && sub.filtered()) {
        readFiltered(sub, sub.matching.holding(), false);
      } else if (!sub.reading()) {
        readSnapshot(sub, new HashMap<>(sub.sent), false);
      }
    }
  }

  // ---- token

  private void refresh(String token) {
    long blocked = services.authFailures().blockedSeconds(address, System.currentTimeMillis());
    if (blocked > 0) {
      error(null, Protocol.UNAUTHORIZED, "too many failed token checks from this address; the"
          + " new token was not checked; retry in " + blocked + " s");
      return;
    }
    services.verifier().verify(token).onComplete(ar -> onLoop(() -> {
      if (closed) {
        return;
      }
      if (ar.failed()) {
        services.authFailures().failed(address, System.currentTimeMillis());
        String why = ar.cause() instanceof AuthenticationException
            ? ar.cause().getMessage() : "token could not be verified";
        error(null, Protocol.UNAUTHORIZED, "the new token is refused (" + why
            + "); the connection keeps its current token until it expires");
        return;
      }
      Principal next = ar.result();
      if (!Objects.equals(next.subject(), principal.subject())
          || !Objects.equals(next.tenant(), principal.tenant())) {
        error(null, Protocol.UNAUTHORIZED,
            "the new token must have the same sub and tenant as the connection's token");
        return;
      }
      principal = next;
      expiresAtSeconds = next.expiresAt();
      scheduleExpiry();
      for (Sub sub : new ArrayList<>(subs.values())) {
        Access.Refusal refusal = Access.readScope(next, sub.view);
        if (refusal != null) {
          removeSub(sub);
          outbox.removeSubscription(sub);
          error(sub.id, Protocol.code(refusal), "subscription ended: " + refusal.message());
        }
      }
      send(Outbox.Entry.control("authenticated",
          Protocol.authenticated(next.subject(), expiresAtSeconds)));
    }));
  }

  private void scheduleExpiry() {
    Vertx vertx = services.vertx();
    if (expiryTimer >= 0) {
      vertx.cancelTimer(expiryTimer);
      expiryTimer = -1;
    }
    if (expiresAtSeconds == Principal.NO_EXPIRY) {
      return;
    }
    long delay = (expiresAtSeconds + services.leewaySeconds()) * 1000
        - System.currentTimeMillis();
    expiryTimer = vertx.setTimer(Math.max(1, delay), t -> {
      expiryTimer = -1;
      drop("token_expired", Push.CLOSE_TOKEN_EXPIRED, "token expired; reconnect with a new"
          + " token, or send {\"op\":\"auth\"} with one before it expires");
    });
  }

  /** Closes the connection if its token was verified by one of these (revoked) keys. */
  void keysRevoked(Set<String> keyIds) {
    if (principal.keyId() != null && keyIds.contains(principal.keyId())) {
      drop("key_revoked", Push.CLOSE_KEY_REVOKED, "signing key revoked");
    }
  }

  // ---- heartbeats

  void tick(long now) {
    if (closed) {
      return;
    }
    long heartbeat = services.config().heartbeatMs();
    if (transport.answersHeartbeats() && now - lastHeardMs > 3 * heartbeat) {
      drop("no_pong", Push.CLOSE_NO_PONG, "no pong or message for " + (now - lastHeardMs)
          + " ms");
      return;
    }
    transport.heartbeat();
  }

  // ---- output

  private void error(String id, String code, String message) {
    send(Outbox.Entry.control("error", Protocol.error(id, code, message)));
  }

  private void send(Outbox.Entry entry) {
    if (closed) {
      return;
    }
    if (outbox.isEmpty() && !transport.writeQueueFull()) {
      write(entry);
      return;
    }
    switch (outbox.add(entry)) {
      case COALESCED -> coalesced.increment();
      case OVERFLOW -> {
        drop("slow_consumer", Push.CLOSE_SLOW_CONSUMER, "slow consumer: more than "
            + services.config().maxPending() + " messages waiting");
        return;
      }
      default -> { }
    }
    if (!transport.writeQueueFull()) {
      flush();
    }
  }

  private void flush() {
    while (!closed && !outbox.isEmpty() && !transport.writeQueueFull()) {
      write(outbox.poll());
    }
  }

  private void write(Outbox.Entry entry) {
    String text = transport.format(entry);
    Future<Void> written = transport.send(text);
    if (entry.change != null) {
      // Row messages are metered per view; control messages are the protocol's own.
      services.usage().count(principal, entry.change.view(), PUSHED, 1);
      services.usage().count(principal, entry.change.view(), PUSHED_BYTES,
          text.length());
    }
    switch (entry.kind) {
      case SNAPSHOT -> sentSnapshots.increment();
      case UPDATE, ENTER, LEAVE -> {
        long changedAt;
        if (entry.change instanceof Row row && entry.kind != Outbox.Kind.LEAVE) {
          sentUpdates.increment();
          changedAt = row.updatedAt();
        } else if (entry.change instanceof Row row) {
          sentDeletes.increment();
          changedAt = row.updatedAt();
        } else {
          sentDeletes.increment();
          changedAt = ((Tombstone) entry.change).deletedAt();
        }
        if (changedAt > 0) { // 0: a leave found on resume, not a change just made
          written.onSuccess(v -> services.metrics().latency(System.currentTimeMillis() - changedAt));
        }
      }
      default -> sentControl.increment();
    }
  }

  // ---- the end

  /** Closes by the gateway's decision, counted as a dropped connection. */
  private void drop(String reason, short code, String message) {
    if (closed) {
      return;
    }
    services.metrics().dropped(transport.name(), reason);
    close(code, message);
  }

  void close(short code, String reason) {
    if (closed) {
      return;
    }
    closed = true;
    cleanup();
    transport.close(code, reason);
  }

  /** The client went away (or the transport closed). */
  void ended() {
    closed = true;
    cleanup();
  }

  private void cleanup() {
    if (cleaned) {
      return;
    }
    cleaned = true;
    for (Sub sub : new ArrayList<>(subs.values())) {
      sub.active = false;
      loop.remove(sub);
      services.metrics().subscriptions(transport.name(), -1);
    }
    subs.clear();
    outbox.clear();
    if (expiryTimer >= 0) {
      services.vertx().cancelTimer(expiryTimer);
    }
    loop.remove(this);
    services.sockets().closed(principal.subject());
    services.metrics().connections(transport.name(), -1);
  }

  private void onLoop(Runnable action) {
    if (loop.onThisLoop()) {
      action.run();
    } else {
      loop.context.runOnContext(v -> action.run());
    }
  }

  private static Change newest(Change a, Change b) {
    if (a == null) {
      return b;
    }
    return b == null || a.version() >= b.version() ? a : b;
  }
}
