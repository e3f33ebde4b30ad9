package io.streamgate.gateway.rest.internal;

import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.Row;
import io.streamgate.contract.json.Json;
import io.streamgate.contract.json.JsonException;
import io.streamgate.contract.json.JsonReader;
import io.streamgate.gateway.http.HttpProblem;
import io.streamgate.gateway.http.ProblemType;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code ?fields=a,b}: the columns of the value a read returns. Applied to each row after the
 * read, so the near cache keeps whole rows and every read shape gets it by passing its rows
 * through {@link #apply}. The members kept are copied as the processor wrote them (never
 * re-encoded), in the value's order. Immutable.
 */
final class Projection {
  static final String PARAM = "fields";
  /** No {@code ?fields=}: rows as they are. */
  static final Projection ALL = new Projection(null);

  private final Set<String> fields;

  private Projection(Set<String> fields) {
    this.fields = fields;
  }

  /**
   * The request's projection; 400 naming the view's columns if a field is not one of them (the
   * catalog's columns of the view, for every version read).
   */
  static Projection of(RoutingContext ctx, CatalogEntry entry) {
    List<String> params = ctx.queryParam(PARAM);
    if (params.isEmpty()) {
      return ALL;
    }
    Set<String> columns = new LinkedHashSet<>();
    entry.columns().forEach(c -> columns.add(c.name()));
    Set<String> fields = new LinkedHashSet<>();
    List<String> unknown = new ArrayList<>();
    for (String param : params) {
      for (String field : param.split(",", -1)) {
        String name = field.trim();
        if (!columns.contains(name)) {
          unknown.add(name.length() <= 64 ? name : name.substring(0, 64) + "…");
        } else {
          fields.add(name);
        }
      }
    }
    if (!unknown.isEmpty()) {
      throw new HttpProblem(ProblemType.BAD_REQUEST, "query parameter 'fields' names "
          + (unknown.size() == 1 ? "a field" : "fields") + " view '" + entry.name()
          + "' does not have: " + Json.write(unknown) + "; its columns are " + columns,
          Map.of(), Map.of("columns", List.copyOf(columns)));
    }
    return new Projection(Set.copyOf(fields));
  }

  boolean all() {
    return fields == null;
  }

  /** The row with only the projected members of its value. */
  Row apply(Row row) {
    return all() ? row : new Row(row.view(), row.key(), row.version(), row.updatedAt(),
        value(row.valueJson()));
  }

  List<Row> apply(List<Row> rows) {
    if (all()) {
      return rows;
    }
    List<Row> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(apply(r)));
    return out;
  }

  /**
   * The projected members of a value object, copied as written. A value that is not a JSON
   * object (never written by the processor) is returned whole rather than failing the read:
   * the caller may read the whole row anyway.
   */
  String value(String valueJson) {
    try {
      return projected(valueJson);
    } catch (JsonException e) {
      return valueJson;
    }
  }

  private String projected(String valueJson) {
    JsonReader reader = new JsonReader(valueJson, 0);
    StringBuilder out = new StringBuilder(valueJson.length());
    out.append('{');
    reader.expect('{');
    if (!reader.consumeIf('}')) {
      do {
        String name = reader.readString();
        reader.expect(':');
        int start = reader.skipValue();
        if (fields.contains(name)) {
          if (out.length() > 1) {
            out.append(',');
          }
          Json.appendString(out, name);
          out.append(':').append(valueJson, start, reader.position());
        }
      } while (reader.consumeIf(','));
      reader.expect('}');
    }
    return out.append('}').toString();
  }

  /**
   * The entity tag of a projected point read: weak ({@code W/"p…"}), a hash of the projected
   * value and the view version. Weak because the body also carries the row's version and
   * {@code updatedAt}, which change with columns left out: a change of those alone keeps the
   * tag, so a client polling {@code ?fields=status} with {@code If-None-Match} gets a 304 until
   * the status itself changes. Never equal to the full row's strong tag.
   */
  static String etag(long viewVersion, String projectedValue) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(Long.toString(viewVersion).getBytes(StandardCharsets.US_ASCII));
      sha.update((byte) 0);
      byte[] hash = sha.digest(projectedValue.getBytes(StandardCharsets.UTF_8));
      return "W/\"p" + HexFormat.of().formatHex(hash, 0, 12) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
