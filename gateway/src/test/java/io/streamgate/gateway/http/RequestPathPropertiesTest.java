package io.streamgate.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of path decoding (jqwik): any path is classified or refused with a 400
 * {@link HttpProblem}, never another exception; percent-decoding inverts percent-encoding.
 */
class RequestPathPropertiesTest {

  @Property
  void anyPathIsClassifiedOrRefusedWithA400(@ForAll("paths") String path) {
    try {
      assertNotNull(RequestPath.parse(path));
    } catch (HttpProblem e) {
      assertEquals(400, e.type().status());
    }
  }

  @Property
  void decodingInvertsEncoding(@ForAll("wellFormed") String segment) {
    String encoded = URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    assertEquals(segment, RequestPath.decode(encoded));
  }

  @Property
  void aKeyRoundTripsThroughARowPath(@ForAll("wellFormed") String key) {
    String encoded = URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
    if (encoded.isEmpty()) {
      return;
    }
    RequestPath path = RequestPath.parse("/v1/views/orders/" + encoded);
    assertEquals(key, path.key());
  }

  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> pieces = Arbitraries.oneOf(
        Arbitraries.of("/v1/views/", "/v1/events/", "/", "/top", "/events", "%", "%2", "%zz",
            "%2F", "%C3", "%C3%A9", "%FF", "%ED%A0%80", "%00", "+", "//", "..", "\u00e9"),
        Arbitraries.strings().ofMaxLength(6));
    return pieces.list().ofMaxSize(8).map(l -> String.join("", l));
  }

  @Provide
  Arbitrary<String> wellFormed() {
    return Arbitraries.strings().ofMaxLength(30).map(s -> s.codePoints()
        .filter(c -> c < 0xD800 || c > 0xDFFF)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
        .toString());
  }
}
