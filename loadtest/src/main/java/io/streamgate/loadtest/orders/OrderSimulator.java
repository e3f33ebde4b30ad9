package io.streamgate.loadtest.orders;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.random.RandomGenerator;

/**
 * The order state machine behind the synthetic stream. Each call to {@link #next(Instant)}
 * returns one event: the status change of an order whose next step is due, else a new order.
 * Orders move {@code created → paid → shipped} after random delays, so a stream at any rate
 * interleaves many orders at different stages, and about a third of the events are new orders.
 *
 * <p>Pure: no I/O, time comes from the caller and randomness from the injected generator, so
 * runs with the same seed and times are identical. Not thread-safe; one thread drives it.
 */
public final class OrderSimulator {

  /** Tuning that tests want to change; {@link #defaults()} is what the demo uses. */
  public record Settings(int users, int products, Duration minToPaid, Duration maxToPaid,
      Duration minToShipped, Duration maxToShipped) {
    public Settings {
      if (users < 1) {
        throw new IllegalArgumentException("users must be at least 1, but was " + users);
      }
      if (products < 1) {
        throw new IllegalArgumentException("products must be at least 1, but was " + products);
      }
      requireRange("paid delay", minToPaid, maxToPaid);
      requireRange("shipped delay", minToShipped, maxToShipped);
    }

    public static Settings defaults() {
      return new Settings(50, 20, Duration.ofSeconds(2), Duration.ofSeconds(8),
          Duration.ofSeconds(5), Duration.ofSeconds(20));
    }

    public Settings withUsers(int n) {
      return new Settings(n, products, minToPaid, maxToPaid, minToShipped, maxToShipped);
    }

    public Settings withProducts(int n) {
      return new Settings(users, n, minToPaid, maxToPaid, minToShipped, maxToShipped);
    }

    /** Both transitions take exactly {@code delay}; handy for tests. */
    public Settings withFixedDelays(Duration delay) {
      return new Settings(users, products, delay, delay, delay, delay);
    }

    private static void requireRange(String what, Duration min, Duration max) {
      if (min.isNegative() || max.compareTo(min) < 0) {
        throw new IllegalArgumentException(
            what + " must satisfy 0 <= min <= max, but was " + min + ".." + max);
      }
    }
  }

  private record Pending(OrderEvent current, Instant due, long sequence) {}

  private static final double USER_SKEW = 1.0;
  private static final double PRODUCT_SKEW = 1.2;

  private final Settings settings;
  private final RandomGenerator random;
  private final String runId;
  private final ZipfSampler users;
  private final ZipfSampler products;
  private final BigDecimal[] prices;
  // Ties on the due time keep creation order, so equal delays replay deterministically.
  private final PriorityQueue<Pending> pending = new PriorityQueue<>(
      Comparator.comparing(Pending::due).thenComparingLong(Pending::sequence));
  private long created;
  private long scheduled;

  /**
   * @param runId goes into every order id ({@code o-<runId>-<n>}) so separate runs never reuse
   *     an id
   */
  public OrderSimulator(Settings settings, RandomGenerator random, String runId) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.random = Objects.requireNonNull(random, "random");
    this.runId = Objects.requireNonNull(runId, "runId");
    this.users = new ZipfSampler(settings.users(), USER_SKEW);
    this.products = new ZipfSampler(settings.products(), PRODUCT_SKEW);
    this.prices = new BigDecimal[settings.products()];
    for (int i = 0; i < prices.length; i++) {
      // Log-uniform between about 3 and 250: many cheap items, a few expensive ones.
      double price = Math.exp(Math.log(3) + random.nextDouble() * (Math.log(250) - Math.log(3)));
      prices[i] = BigDecimal.valueOf(price).setScale(2, RoundingMode.HALF_UP);
    }
  }

  /** The next event at time {@code now}: a due status change if there is one, else a new order. */
  public OrderEvent next(Instant now) {
    Pending due = pending.peek();
    if (due != null && !due.due().isAfter(now)) {
      pending.poll();
      OrderStatus status = due.current().status().next().orElseThrow();
      OrderEvent event = due.current().withStatus(status, now);
      schedule(event, now);
      return event;
    }
    OrderEvent order = newOrder(now);
    schedule(order, now);
    return order;
  }

  /** Orders created so far. */
  public long ordersCreated() {
    return created;
  }

  /** Orders that have not reached {@code shipped} yet. */
  public int ordersInFlight() {
    return pending.size();
  }

  /** User id for index {@code i}, e.g. {@code user-007}. */
  public static String userId(int i) {
    return String.format("user-%03d", i + 1);
  }

  /** Product id for index {@code i}, e.g. {@code sku-0042}. */
  public static String productId(int i) {
    return String.format("sku-%04d", i + 1);
  }

  private OrderEvent newOrder(Instant now) {
    created++;
    int product = products.sample(random);
    int quantity = 1 + (random.nextDouble() < 0.7 ? 0 : random.nextInt(3));
    BigDecimal amount = prices[product].multiply(BigDecimal.valueOf(quantity));
    return new OrderEvent("o-" + runId + "-" + created, userId(users.sample(random)),
        productId(product), amount, OrderStatus.CREATED, now);
  }

  private void schedule(OrderEvent event, Instant now) {
    Duration delay = switch (event.status()) {
      case CREATED -> between(settings.minToPaid(), settings.maxToPaid());
      case PAID -> between(settings.minToShipped(), settings.maxToShipped());
      case SHIPPED -> null;
    };
    if (delay != null) {
      pending.add(new Pending(event, now.plus(delay), scheduled++));
    }
  }

  private Duration between(Duration min, Duration max) {
    long span = max.toMillis() - min.toMillis();
    return span == 0 ? min : min.plusMillis(random.nextLong(span + 1));
  }
}
