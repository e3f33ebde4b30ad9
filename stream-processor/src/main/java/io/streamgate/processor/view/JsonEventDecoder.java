package io.streamgate.processor.view;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.objects.Invoke;
import org.apache.spark.sql.catalyst.json.JSONOptions;
import org.apache.spark.sql.catalyst.json.JacksonParser;
import org.apache.spark.sql.catalyst.util.FailureSafeParser;
import org.apache.spark.sql.catalyst.util.PermissiveMode$;
import org.apache.spark.sql.classic.ExpressionUtils;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.ObjectType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * {@code from_json(value, schema, PERMISSIVE)} with Spark's own parser and its semantics (types,
 * formats, the corrupt-record column), but reading the event's UTF-8 bytes directly, and most
 * events not through Spark's generic parser at all but {@link FlatEventReader}'s single pass.
 * Spark 4.2's {@code from_json} decodes each value through a new {@code InputStreamReader} (an 8 KB
 * buffer per record, Jackson reading chars), then converts it field by field: at tens of thousands
 * of events/s that was most of a real-time source's CPU. Binary Kafka values are read without the
 * copy a cast to string makes.
 *
 * <p>Two differences from Spark 4.2's {@code from_json}, both as later Spark reads bytes: bytes that
 * are not UTF-8 make the event a dead letter (the reader replaced them with U+FFFD); a value that
 * is not a string, in a STRING field, keeps the event's own text ({@code -2.5e3}, not
 * {@code -2500.0}).
 *
 * <p>One decoder per task (each task deserializes its own copy of the plan); not thread-safe, like
 * Spark's.
 */
public final class JsonEventDecoder implements Serializable {
  private static final long serialVersionUID = 1L;

  private final StructType schema;
  private final String corruptRecordColumn;
  private final String timeZone;
  private transient FailureSafeParser<byte[]> bytes;
  private transient FailureSafeParser<UTF8String> text;
  private transient FlatEventReader flat;
  private transient boolean flatChecked;

  private JsonEventDecoder(StructType schema, String corruptRecordColumn, String timeZone) {
    this.schema = schema;
    this.corruptRecordColumn = corruptRecordColumn;
    this.timeZone = timeZone;
  }

  /**
   * The parsed event of {@code value} (a string or binary column), a struct of {@code schema}
   * whose field {@code corruptRecordColumn} (the last) holds the text of a value that did not
   * parse; null for a null value. Timestamps without a zone are read in {@code timeZone}.
   */
  static Column column(Column value, DataType valueType, StructType schema,
      String corruptRecordColumn, String timeZone) {
    JsonEventDecoder decoder = new JsonEventDecoder(schema, corruptRecordColumn, timeZone);
    boolean binary = valueType instanceof BinaryType;
    Expression invoke = new Invoke(
        Literal.create(decoder, new ObjectType(JsonEventDecoder.class)),
        binary ? "fromBytes" : "fromText",
        schema,
        seq(List.of(ExpressionUtils.expression(value))),
        seq(List.of()),
        true, // propagateNull: a null value is a null event
        true, // returnNullable
        true); // isDeterministic
    return ExpressionUtils.column(invoke);
  }

  /** Called by the generated code for a binary value. */
  public InternalRow fromBytes(byte[] json) {
    InternalRow row = flat(json, 0, json.length);
    if (row != null) {
      return row;
    }
    if (bytes == null) {
      bytes = parser(JsonEventDecoder::createParser, UTF8String::fromBytes);
    }
    return first(bytes.parse(json));
  }

  /** Called by the generated code for a string value. */
  public InternalRow fromText(UTF8String json) {
    ByteBuffer buffer = json.getByteBuffer();
    InternalRow row = buffer.hasArray()
        ? flat(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining())
        : null;
    if (row != null) {
      return row;
    }
    if (text == null) {
      text = parser(JsonEventDecoder::createParser, t -> t);
    }
    return first(text.parse(json));
  }

  /** The {@link FlatEventReader}'s row, null where Spark's parser must read the event. */
  private InternalRow flat(byte[] json, int offset, int length) {
    if (!flatChecked) {
      flat = FlatEventReader.of(schema, corruptRecordColumn);
      flatChecked = true;
    }
    return flat == null ? null : flat.read(json, offset, length);
  }

  private <T> FailureSafeParser<T> parser(
      scala.Function2<JsonFactory, T, JsonParser> create, scala.Function1<T, UTF8String> literal) {
    JSONOptions options = new JSONOptions(
        scala.collection.immutable.Map$.MODULE$.from(CollectionConverters.asScala(
            Map.of("mode", "PERMISSIVE", "columnNameOfCorruptRecord", corruptRecordColumn))),
        timeZone, corruptRecordColumn);
    List<StructField> fields = new ArrayList<>();
    for (StructField f : schema.fields()) {
      if (!f.name().equals(corruptRecordColumn)) {
        fields.add(f);
      }
    }
    JacksonParser parser = new JacksonParser(new StructType(fields.toArray(StructField[]::new)),
        options, false, seq(List.of()));
    return new FailureSafeParser<>(record -> parser.parse(record, create, literal),
        PermissiveMode$.MODULE$, schema, corruptRecordColumn);
  }

  private static JsonParser createParser(JsonFactory factory, UTF8String json) {
    ByteBuffer buffer = json.getByteBuffer();
    return buffer.hasArray()
        ? createParser(factory, buffer.array(), buffer.arrayOffset() + buffer.position(),
            buffer.remaining())
        : createParser(factory, json.getBytes());
  }

  private static JsonParser createParser(JsonFactory factory, byte[] json) {
    return createParser(factory, json, 0, json.length);
  }

  /** Unchecked, so Spark's parser counts a failure as a corrupt record, as for any other. */
  private static JsonParser createParser(JsonFactory factory, byte[] json, int from, int length) {
    try {
      return factory.createParser(json, from, length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InternalRow first(scala.collection.Iterator<InternalRow> rows) {
    return rows.hasNext() ? rows.next() : null;
  }

  private static <T> Seq<T> seq(List<T> list) {
    return CollectionConverters.asScala(list).toSeq();
  }
}
