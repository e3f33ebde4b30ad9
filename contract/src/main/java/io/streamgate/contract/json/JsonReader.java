package io.streamgate.contract.json;

import java.util.List;
import java.util.Map;

/**
 * A cursor over JSON text. Besides full parsing it can {@link #skipValue() skip} a value and
 * report its span, which lets change messages hand a row's value on without re-encoding it.
 * Objects and arrays may nest at most {@link #MAX_DEPTH} levels deep: the reader recurses per
 * level, and text from the network (an ingest body, a WebSocket message) must fail with a
 * {@link JsonException}, not overflow the thread's stack. Not thread-safe; use one per text.
 */
public final class JsonReader {
  /** Deepest nesting of objects and arrays accepted; deeper text is refused, not parsed. */
  public static final int MAX_DEPTH = 64;

  private final String text;
  private int pos;
  private int depth;

  public JsonReader(String text, int start) {
    this.text = text;
    this.pos = start;
  }

  public int position() {
    return pos;
  }

  /** Reads any value. */
  public Object readValue() {
    skipWhitespace();
    char c = peek();
    switch (c) {
      case '{':
        return readObject();
      case '[':
        return readArray();
      case '"':
        return readString();
      case 't':
        expectWord("true");
        return Boolean.TRUE;
      case 'f':
        expectWord("false");
        return Boolean.FALSE;
      case 'n':
        expectWord("null");
        return null;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return readNumber();
        }
        throw error("unexpected character '" + c + "'");
    }
  }

  /** Skips one value and returns its start offset; {@link #position()} is then just past it. */
  public int skipValue() {
    skipWhitespace();
    int start = pos;
    char c = peek();
    if (c == '{' || c == '[') {
      skipContainer();
    } else {
      readValue();
    }
    return start;
  }

  /** Consumes {@code c} after optional whitespace. */
  public void expect(char c) {
    skipWhitespace();
    if (pos >= text.length() || text.charAt(pos) != c) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }

  /** True and consumed if the next non-blank character is {@code c}. */
  public boolean consumeIf(char c) {
    skipWhitespace();
    if (pos < text.length() && text.charAt(pos) == c) {
      pos++;
      return true;
    }
    return false;
  }

  /** Fails unless only whitespace remains. */
  public void expectEnd() {
    skipWhitespace();
    if (pos != text.length()) {
      throw error("unexpected text after the JSON value");
    }
  }

  public String readString() {
    expect('"');
    StringBuilder out = null;
    int runStart = pos;
    while (true) {
      if (pos >= text.length()) {
        throw error("unterminated string");
      }
      char c = text.charAt(pos);
      if (c == '"') {
        String result = out == null
            ? text.substring(runStart, pos)
            : out.append(text, runStart, pos).toString();
        pos++;
        return result;
      }
      if (c < 0x20) {
        throw error("control character in string");
      }
      if (c == '\\') {
        if (out == null) {
          out = new StringBuilder();
        }
        out.append(text, runStart, pos);
        pos++;
        out.append(readEscape());
        runStart = pos;
      } else {
        pos++;
      }
    }
  }

  private char readEscape() {
    if (pos >= text.length()) {
      throw error("unterminated escape");
    }
    char c = text.charAt(pos++);
    return switch (c) {
      case '"', '\\', '/' -> c;
      case 'b' -> '\b';
      case 'f' -> '\f';
      case 'n' -> '\n';
      case 'r' -> '\r';
      case 't' -> '\t';
      case 'u' -> {
        if (pos + 4 > text.length()) {
          throw error("short \\u escape");
        }
        try {
          char decoded = (char) Integer.parseInt(text.substring(pos, pos + 4), 16);
          pos += 4;
          yield decoded;
        } catch (NumberFormatException e) {
          throw error("bad \\u escape");
        }
      }
      default -> throw error("bad escape '\\" + c + "'");
    };
  }

  private Map<String, Object> readObject() {
    expect('{');
    enter();
    Map<String, Object> object = Json.newObject();
    if (!consumeIf('}')) {
      do {
        String name = readString();
        expect(':');
        object.put(name, readValue());
      } while (consumeIf(','));
      expect('}');
    }
    depth--;
    return object;
  }

  private List<Object> readArray() {
    expect('[');
    enter();
    List<Object> list = Json.newList();
    if (!consumeIf(']')) {
      do {
        list.add(readValue());
      } while (consumeIf(','));
      expect(']');
    }
    depth--;
    return list;
  }

  /** One level deeper; refuses the text past {@link #MAX_DEPTH}. */
  private void enter() {
    if (++depth > MAX_DEPTH) {
      throw error("objects and arrays nested deeper than " + MAX_DEPTH + " levels");
    }
  }

  private Number readNumber() {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    boolean integral = true;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c >= '0' && c <= '9') {
        pos++;
      } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
        integral = false;
        pos++;
      } else {
        break;
      }
    }
    String literal = text.substring(start, pos);
    try {
      if (integral && literal.length() <= 20) {
        try {
          return Long.parseLong(literal);
        } catch (NumberFormatException beyondLong) {
          // 19-20 digits past Long.MAX_VALUE: a double, like longer integers
        }
      }
      double d = Double.parseDouble(literal);
      if (Double.isInfinite(d)) {
        throw error("number out of range");
      }
      return d;
    } catch (NumberFormatException e) {
      throw error("bad number '" + literal + "'");
    }
  }

  private void skipContainer() {
    int level = depth;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == '"') {
        readString();
        continue;
      }
      pos++;
      if (c == '{' || c == '[') {
        if (++level > MAX_DEPTH) {
          throw error("objects and arrays nested deeper than " + MAX_DEPTH + " levels");
        }
      } else if (c == '}' || c == ']') {
        if (--level == depth) {
          return;
        }
      }
    }
    throw error("unterminated object or array");
  }

  private void expectWord(String word) {
    if (!text.startsWith(word, pos)) {
      throw error("expected " + word);
    }
    pos += word.length();
  }

  private char peek() {
    if (pos >= text.length()) {
      throw error("unexpected end of JSON");
    }
    return text.charAt(pos);
  }

  private void skipWhitespace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
        pos++;
      } else {
        break;
      }
    }
  }

  private JsonException error(String problem) {
    return new JsonException(problem + " at offset " + pos);
  }
}
