package io.streamgate.processor.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.Keyspace;
import io.streamgate.processor.view.ViewTransform;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class ServingRowReaderTest {
  @Test
  void readsColumnsByNameWhateverTheirOrder() {
    StructType schema = new StructType()
        .add("_extra", DataTypes.StringType)
        .add(ViewTransform.WINDOW_END, DataTypes.LongType)
        .add(ViewTransform.VALUE, DataTypes.StringType)
        .add(ViewTransform.RANK, DataTypes.DoubleType)
        .add(ViewTransform.KEY, DataTypes.StringType);
    ServingRowReader reader = ServingRowReader.of(schema);
    Row row = RowFactory.create("ignored", 60_000L, "{\"n\":1}", 2.5, "k1");
    assertTrue(reader.ranked());
    assertTrue(reader.windowed());
    assertEquals("k1", reader.key(row));
    assertNull(reader.problem(row));
    assertEquals(60_000L, reader.windowEnd(row));
    RowWrite write = reader.write("v", row, 7, 1000);
    assertEquals(new io.streamgate.contract.Row("v", "k1", 7, 1000, "{\"n\":1}"), write.row());
    assertEquals(2.5, write.rank());
    Keyspace keyspace = new Keyspace("t");
    assertEquals(List.of("t:row:v:k1"), write.writeKeys(keyspace));
    assertEquals(List.of("k1", "7", "2.5", "{t:v}:ix:", ""), write.indexArgs(keyspace));
  }

  @Test
  void withoutRankOrWindowThoseAreNull() {
    ServingRowReader reader = ServingRowReader.of(new StructType()
        .add(ViewTransform.KEY, DataTypes.StringType).add(ViewTransform.VALUE, DataTypes.StringType));
    Row row = RowFactory.create("k", "{}");
    assertFalse(reader.ranked());
    assertFalse(reader.windowed());
    assertNull(reader.rank(row));
    assertNull(reader.windowEnd(row));
    assertEquals(List.of("k", "3", "", "{t:v}:ix:", ""),
        reader.write("v", row, 3, 0).indexArgs(new Keyspace("t")));
  }

  @Test
  void aViewWithIndexesIndexesTheTextsOfItsColumns() {
    ServingRowReader reader = ServingRowReader.of(new StructType()
        .add(ViewTransform.KEY, DataTypes.StringType).add(ViewTransform.VALUE, DataTypes.StringType),
        List.of("userId", "status"));
    Row row = RowFactory.create("o-1", "{\"status\":\"paid\",\"userId\":\"u-1\",\"n\":1}");
    assertEquals(List.of("o-1", "3", "", "{t:v.v2}:ix:", "{\"userId\":\"u-1\",\"status\":\"paid\"}"),
        reader.write("v.v2", row, 3, 0).indexArgs(new Keyspace("t")));
  }

  @Test
  void namesWhyARowCannotBeServed() {
    ServingRowReader reader = ServingRowReader.of(new StructType()
        .add(ViewTransform.KEY, DataTypes.StringType).add(ViewTransform.VALUE, DataTypes.StringType)
        .add(ViewTransform.RANK, DataTypes.DoubleType));
    assertEquals("key is empty", reader.problem(RowFactory.create(null, "{}", 1.0)));
    assertEquals("value is null", reader.problem(RowFactory.create("k", null, 1.0)));
    assertNull(reader.rank(RowFactory.create("k", "{}", Double.NaN)), "NaN is not a score");
  }

  @Test
  void refusesASchemaWithoutKeyOrValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ServingRowReader.of(new StructType().add(ViewTransform.KEY, DataTypes.StringType)));
    assertEquals("serving rows need a column 'value', but have key", e.getMessage());
  }
}
