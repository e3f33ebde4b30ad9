package io.streamgate.gateway.ingest;

import io.streamgate.contract.events.StreamEntry;
import java.util.Optional;

/**
 * The source streams events may be posted to, as the processor registered them in Redis
 * ({@link io.streamgate.contract.Keyspace#streams()}). Reads see an immutable snapshot that the
 * implementation swaps when a stream is (re)registered.
 *
 * <p>Thread-safe and non-blocking: call from any event loop.
 */
public interface Streams {

  /** The stream's entry (topic, schema, key field), if registered. */
  Optional<StreamEntry> find(String stream);

  /**
   * False until the streams have been read from Redis once. Until then "not registered" means
   * "not known yet", not "does not exist".
   */
  boolean loaded();
}
