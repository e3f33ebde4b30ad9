package io.streamgate.contract.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

/**
 * Properties of the contract's JSON reader and writer (jqwik): whatever text it is given, the
 * reader answers a value or a {@link JsonException}, nothing else; what the writer writes, the
 * reader reads back equal.
 */
class JsonPropertiesTest {

  @Property
  void arbitraryTextIsReadOrRefusedWithAJsonException(@ForAll String text) {
    readOrRefuse(text);
  }

  @Property
  void mutatedJsonIsReadOrRefusedWithAJsonException(@ForAll("values") Object value,
      @ForAll("mutations") Mutation mutation) {
    readOrRefuse(mutation.apply(Json.write(value)));
  }

  /** Found by this property: 19-digit longs (10^18 and up) were read back as doubles. */
  @Property
  void writtenValuesReadBackEqual(@ForAll("values") Object value) {
    assertEquals(value, Json.parse(Json.write(value)));
  }

  @Property
  void writtenStringsReadBackEqual(@ForAll String text) {
    String wellFormed = text.codePoints().filter(c -> c < 0xD800 || c > 0xDFFF)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
        .toString();
    assertEquals(wellFormed, Json.parse(Json.quote(wellFormed)));
  }

  @Test
  void longsOfNineteenDigitsReadBackAsLongs() {
    assertEquals(Long.MAX_VALUE, Json.parse("9223372036854775807"));
    assertEquals(Long.MIN_VALUE, Json.parse("-9223372036854775808"));
    assertEquals(1_000_000_000_000_000_000L, Json.parse("1000000000000000000"));
    assertEquals(9.223372036854775808E18, Json.parse("9223372036854775808"));
  }

  private static void readOrRefuse(String text) {
    try {
      Json.parse(text);
    } catch (JsonException expected) {
      // a refusal with a message is fine; anything else escapes and fails the property
    }
  }

  /** An edit of a JSON text at a position: delete, duplicate or replace a character. */
  record Mutation(int kind, int position, char replacement) {
    String apply(String json) {
      if (json.isEmpty()) {
        return String.valueOf(replacement);
      }
      int at = Math.floorMod(position, json.length());
      return switch (kind) {
        case 0 -> json.substring(0, at) + json.substring(at + 1);
        case 1 -> json.substring(0, at) + json.charAt(at) + json.substring(at);
        default -> json.substring(0, at) + replacement + json.substring(at + 1);
      };
    }
  }

  @Provide
  Arbitrary<Mutation> mutations() {
    return Combinators.combine(Arbitraries.integers().between(0, 2),
        Arbitraries.integers(), Arbitraries.of('"', '\\', '{', '}', '[', ']', ',', ':', '-', '0',
            'e', '.', 'u', 'n', 't', ' ', '\u0000', '\uD800'))
        .as(Mutation::new);
  }

  @Provide
  Arbitrary<Object> values() {
    return value(3);
  }

  private static Arbitrary<Object> value(int depth) {
    Arbitrary<Object> strings =
        Arbitraries.strings().withCharRange('\u0000', '\uD7FF').ofMaxLength(12).map(s -> s);
    Arbitrary<Object> longs = Arbitraries.longs().map(l -> l);
    Arbitrary<Object> booleans = Arbitraries.of(true, false).map(b -> b);
    Arbitrary<Object> leaf = Arbitraries.oneOf(strings, longs, booleans).injectNull(0.05);
    if (depth == 0) {
      return leaf;
    }
    Arbitrary<Object> list = value(depth - 1).list().ofMaxSize(4).map(l -> (Object) l);
    Arbitrary<Object> map = Arbitraries.maps(Arbitraries.strings().alpha().ofMaxLength(6),
        value(depth - 1)).ofMaxSize(4).map(m -> (Object) m);
    return Arbitraries.frequencyOf(Tuple.of(3, leaf), Tuple.of(1, list), Tuple.of(1, map));
  }
}
