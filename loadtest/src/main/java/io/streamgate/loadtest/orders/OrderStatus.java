package io.streamgate.loadtest.orders;

import java.util.Locale;
import java.util.Optional;

/** The lifecycle an order walks through, in order: created, then paid, then shipped. */
public enum OrderStatus {
  CREATED,
  PAID,
  SHIPPED;

  /** The status that follows this one, or empty once the order is shipped. */
  public Optional<OrderStatus> next() {
    return switch (this) {
      case CREATED -> Optional.of(PAID);
      case PAID -> Optional.of(SHIPPED);
      case SHIPPED -> Optional.empty();
    };
  }

  /** The value written to the {@code status} field: lower case, e.g. {@code "paid"}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
