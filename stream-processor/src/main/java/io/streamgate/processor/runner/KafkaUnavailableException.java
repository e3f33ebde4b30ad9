package io.streamgate.processor.runner;

import io.streamgate.processor.pipeline.Messages;

/** Kafka did not answer at startup; the message is one line naming the bootstrap servers. */
public final class KafkaUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public KafkaUnavailableException(String bootstrapServers, Throwable cause) {
    super("cannot reach Kafka at " + bootstrapServers + ": " + Messages.rootMessage(cause), cause);
  }
}
