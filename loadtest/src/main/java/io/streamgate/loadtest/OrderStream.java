package io.streamgate.loadtest;

import io.streamgate.loadtest.orders.OrderEvent;
import io.streamgate.loadtest.orders.OrderSimulator;
import io.streamgate.loadtest.pacing.RatePacer;
import io.streamgate.loadtest.publish.KafkaEventPublisher;
import java.time.Clock;
import java.util.function.BooleanSupplier;

/**
 * Drives an {@link OrderSimulator} at the pace of a {@link RatePacer} into a
 * {@link KafkaEventPublisher}, keyed by order id so one order's events stay in order.
 * Runs on the calling thread.
 */
public final class OrderStream {
  private final OrderSimulator simulator;
  private final RatePacer pacer;
  private final KafkaEventPublisher publisher;
  private final Clock clock;

  public OrderStream(OrderSimulator simulator, RatePacer pacer, KafkaEventPublisher publisher, Clock clock) {
    this.simulator = simulator;
    this.pacer = pacer;
    this.publisher = publisher;
    this.clock = clock;
  }

  /**
   * Sends {@code count} events (0 = until {@code keepGoing} turns false), then flushes.
   *
   * @return the number of events handed to the producer
   */
  public long run(long count, BooleanSupplier keepGoing) throws InterruptedException {
    long n = 0;
    while ((count == 0 || n < count) && keepGoing.getAsBoolean()) {
      pacer.awaitNext();
      OrderEvent event = simulator.next(clock.instant());
      publisher.send(event.orderId(), event.toJson());
      n++;
    }
    publisher.flush();
    return n;
  }
}
