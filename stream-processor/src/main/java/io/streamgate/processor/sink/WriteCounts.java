package io.streamgate.processor.sink;

import java.io.Serializable;

/**
 * What writing a batch (or a part of one) to Redis did. Immutable.
 *
 * @param rows       serving rows the view produced (after the batch's reduction to each key's
 *                   newest row, where the view has one)
 * @param written    rows applied (their version was newer than the stored one)
 * @param notNewer   rows ignored by the store because it already had this version or a newer one
 *                   (a replayed batch)
 * @param superseded rows dropped before writing because a later row of the same batch partition had
 *                   the same key (latest views whose rows carry no event order)
 * @param skipped    rows that cannot be served: null or invalid key
 */
public record WriteCounts(long rows, long written, long notNewer, long superseded, long skipped)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final WriteCounts ZERO = new WriteCounts(0, 0, 0, 0, 0);

  public WriteCounts plus(WriteCounts o) {
    return new WriteCounts(rows + o.rows, written + o.written, notNewer + o.notNewer,
        superseded + o.superseded, skipped + o.skipped);
  }

  public WriteCounts minus(WriteCounts o) {
    return new WriteCounts(rows - o.rows, written - o.written, notNewer - o.notNewer,
        superseded - o.superseded, skipped - o.skipped);
  }
}
