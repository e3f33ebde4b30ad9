package io.streamgate.gateway.push.internal;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of the WebSocket protocol parser (jqwik): arbitrary text, arbitrary bytes read as
 * UTF-8 and arbitrary JSON objects with protocol-like fields are each parsed into an operation or
 * refused with a {@link Protocol.ProtocolException} carrying a documented code; nothing else
 * escapes.
 */
class ProtocolPropertiesTest {
  private static final Set<String> CODES =
      Set.of(Protocol.BAD_REQUEST, Protocol.TOO_MANY_KEYS);

  @Property
  void arbitraryTextParsesOrIsRefusedWithACode(@ForAll String text) {
    parseOrRefuse(text);
  }

  @Property
  void arbitraryBytesParseOrAreRefusedWithACode(@ForAll byte[] bytes) {
    parseOrRefuse(new String(bytes, StandardCharsets.UTF_8));
  }

  @Property
  void protocolLikeObjectsParseOrAreRefusedWithACode(@ForAll("messages") Map<String, Object> m) {
    parseOrRefuse(Json.write(m));
  }

  @Property(tries = 50)
  void deepNestingIsRefusedNotOverflowed(@ForAll("depths") int depth) {
    parseOrRefuse("{\"op\":\"subscribe\",\"id\":\"a\",\"view\":\"v\",\"keys\":"
        + "[".repeat(depth) + "\"k\"" + "]".repeat(depth) + "}");
  }

  private static void parseOrRefuse(String text) {
    try {
      assertNotNull(Protocol.parse(text, 10));
    } catch (Protocol.ProtocolException e) {
      assertTrue(CODES.contains(e.code()), e.code());
      assertNotNull(e.getMessage());
    }
  }

  private static void putIfPresent(Map<String, Object> m, String field, Object value) {
    if (value != null) {
      m.put(field, value);
    }
  }

  @Provide
  Arbitrary<Integer> depths() {
    return Arbitraries.integers().between(1, 200_000);
  }

  @Provide
  Arbitrary<Map<String, Object>> messages() {
    Arbitrary<Object> anything = Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(70).map(s -> (Object) s),
        Arbitraries.longs().map(l -> (Object) l),
        Arbitraries.of(true, false).map(b -> (Object) b),
        Arbitraries.strings().ofMaxLength(5).list().ofMaxSize(15).map(l -> (Object) l),
        Arbitraries.maps(Arbitraries.strings().ofMaxLength(3), Arbitraries.longs().between(-2, 5))
            .ofMaxSize(3).map(v -> (Object) v))
        .injectNull(0.1);
    Arbitrary<Object> ops = Arbitraries.of("subscribe", "unsubscribe", "auth", "ping", "jump", "")
        .map(s -> (Object) s);
    return Combinators.combine(ops, anything, anything, anything, anything, anything)
        .as((op, id, view, keys, versions, token) -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("op", op);
          putIfPresent(m, "id", id);
          putIfPresent(m, "view", view);
          putIfPresent(m, "keys", keys);
          putIfPresent(m, "versions", versions);
          putIfPresent(m, "token", token);
          return m;
        });
  }
}
