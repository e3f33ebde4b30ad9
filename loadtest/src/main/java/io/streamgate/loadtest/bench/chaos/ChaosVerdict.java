package io.streamgate.loadtest.bench.chaos;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The end-of-run checks of a chaos run, against Kafka and what the clients were told rather than
 * the system's own metrics:
 * <ul>
 *   <li>lost: answered 202 but not in the topic (also "a 2xx for an unwritten event");
 *   <li>duplicates: an event written twice (the producer must be idempotent);
 *   <li>unknown: in the topic but never sent;
 *   <li>totals: {@code user_totals} of the run's users equals the count and sum over the topic's
 *       events (which are the 202'd ones plus any whose request failed ambiguously), within the
 *       settle time;
 *   <li>push: every WebSocket client holds the final value of every key;
 *   <li>hangs: requests without an answer before the client's timeout.
 * </ul>
 */
public record ChaosVerdict(int lost, int duplicates, int unknown, int ambiguousWritten, Map<String, String> totalsDiff,
    Map<String, List<String>> pushMismatches, int hangs, double settleSeconds, List<String> problems) {

  public static ChaosVerdict check(String kafka, String topic, String prefix, Ledger ledger, ChaosClients clients,
      Duration settle) throws InterruptedException {
    TopicReader.Content content = TopicReader.read(kafka, topic, prefix);
    Map<String, Ledger.Event> written = content.events();
    List<String> lost = ledger.acked().keySet().stream().filter(id -> !written.containsKey(id)).sorted().toList();
    List<String> unknown = written.keySet().stream().filter(id -> !ledger.sent().containsKey(id)).sorted().toList();
    int ambiguous = (int) written.keySet().stream().filter(id -> !ledger.acked().containsKey(id)).count();

    Map<String, long[]> expected = Ledger.totals(written.values());
    Instant start = Instant.now();
    Instant deadline = start.plus(settle);
    Map<String, String> diff;
    Map<String, JsonObject> rows;
    while (true) {
      rows = clients.rows();
      diff = diff(expected, rows);
      if (diff.isEmpty() || Instant.now().isAfter(deadline)) {
        break;
      }
      Thread.sleep(1000);
    }
    double settled = Duration.between(start, Instant.now()).toMillis() / 1000.0;
    // Pushes trail the rows by milliseconds; give the subscribers a moment after the last write.
    Map<String, List<String>> push = clients.pushMismatches(rows);
    for (int i = 0; i < 20 && !push.isEmpty(); i++) {
      Thread.sleep(500);
      push = clients.pushMismatches(rows);
    }
    List<String> problems = new ArrayList<>();
    if (!lost.isEmpty()) {
      problems.add(lost.size() + " events answered 202 are not in Kafka, e.g. " + lost.subList(0, Math.min(5, lost.size())));
    }
    if (!content.duplicates().isEmpty()) {
      problems.add(content.duplicates().size() + " events are in Kafka twice, e.g. " + content.duplicates().subList(0,
          Math.min(5, content.duplicates().size())));
    }
    if (!unknown.isEmpty()) {
      problems.add(unknown.size() + " events in Kafka were never sent");
    }
    if (!diff.isEmpty()) {
      problems.add("user_totals differs from the totals over Kafka for " + diff.size() + " users after "
          + settle.toSeconds() + " s, e.g. " + diff.entrySet().stream().limit(3).toList());
    }
    if (!push.isEmpty()) {
      problems.add(push.size() + " WebSocket clients do not hold the final value of every key, e.g. "
          + push.entrySet().stream().limit(3)
              .map(e -> e.getKey() + " (" + e.getValue().size() + " keys, e.g. "
                  + e.getValue().subList(0, Math.min(3, e.getValue().size())) + ")")
              .toList());
    }
    if (!ledger.hung().isEmpty()) {
      problems.add(ledger.hung().size() + " requests got no answer within " + ChaosClients.CLIENT_TIMEOUT.toSeconds() + " s");
    }
    return new ChaosVerdict(lost.size(), content.duplicates().size(), unknown.size(), ambiguous, diff, push,
        ledger.hung().size(), settled, problems);
  }

  /** Users whose served row differs from the expected count and sum: user → "expected … served …". */
  static Map<String, String> diff(Map<String, long[]> expected, Map<String, JsonObject> rows) {
    Map<String, String> diff = new TreeMap<>();
    expected.forEach((user, t) -> {
      JsonObject row = rows.get(user);
      long orders = row == null ? 0 : row.getLong("orders", 0L);
      double total = row == null ? 0 : row.getDouble("total", 0.0);
      if (orders != t[0] || Math.round(total) != t[1]) {
        diff.put(user, "expected " + t[0] + " orders/" + t[1] + ", served " + orders + "/" + total);
      }
    });
    return diff;
  }

  public JsonObject json() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("passed", problems.isEmpty());
    m.put("lostAcknowledged", lost);
    m.put("duplicates", duplicates);
    m.put("unknown", unknown);
    m.put("writtenWithoutAck", ambiguousWritten);
    m.put("totalsExact", totalsDiff.isEmpty());
    m.put("totalsDiff", new JsonObject(new LinkedHashMap<>(totalsDiff)));
    m.put("pushClientsWrong", pushMismatches.size());
    m.put("hangs", hangs);
    m.put("settleSeconds", settleSeconds);
    m.put("problems", problems);
    return new JsonObject(m);
  }
}
