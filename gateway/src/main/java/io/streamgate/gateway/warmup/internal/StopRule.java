package io.streamgate.gateway.warmup.internal;

/**
 * When the warm-up stops, decided once per window (a second) from what that window's requests
 * did. Pure logic, no clock of its own; not thread-safe (one warm-up asks it, on its context).
 *
 * <ol>
 *   <li>at {@code maxMs}, whatever the rate ({@link Verdict#MAX_TIME});
 *   <li>at once when Redis did not answer its last PING, or most answers of a window were 5xx,
 *       or none came at all: the chain's error path is not what clients will need
 *       ({@link Verdict#NOT_ANSWERING});
 *   <li>from {@code minMs} on, once {@value #FLAT_WINDOWS} windows in a row did not beat the best
 *       window before them by more than {@value #RISE_PERCENT} % and the JIT compiled for at
 *       most {@value #JIT_QUIET_PERCENT} % of each of them: the JIT has compiled what this load
 *       runs ({@link Verdict#RATE_FLAT}). The rate alone is not enough: on one core, while the
 *       JIT works through its queue, the rate stays flat for seconds at a fraction of the warm
 *       one (2,000-3,500 reads/s for 6 s, then 9,500 once the JIT went quiet at 21 s).
 * </ol>
 */
public final class StopRule {
  /** A window must beat the best before it by more than this to count as still rising. */
  public static final int RISE_PERCENT = 5;
  public static final int FLAT_WINDOWS = 2;
  /** The JIT counts as quiet while it compiles for at most this share of a window. */
  public static final int JIT_QUIET_PERCENT = 10;

  public enum Verdict {
    GO_ON("still rising"),
    RATE_FLAT("the rate stopped rising and the JIT went quiet"),
    MAX_TIME("the time limit was reached"),
    NOT_ANSWERING("the gateway's reads are failing: Redis is not answering");

    private final String reason;

    Verdict(String reason) {
      this.reason = reason;
    }

    public String reason() {
      return reason;
    }
  }

  private final long minMs;
  private final long maxMs;
  private double best;
  private int flat;
  private int jitQuiet;

  public StopRule(long minMs, long maxMs) {
    this.minMs = minMs;
    this.maxMs = maxMs;
  }

  /**
   * @param elapsedMs    since the warm-up started, at the window's end
   * @param windowMs     the window's length (a late timer makes it longer than a second)
   * @param answers      responses received in the window
   * @param serverErrors of which with a 5xx status (or no response: connection failures)
   * @param redisAnswers whether Redis answered the last PING
   * @param jitMs        how long the JIT compiled in the window (summed over its threads), or
   *                     -1 where the JVM does not tell: then the rate alone decides
   */
  public Verdict afterWindow(long elapsedMs, long windowMs, long answers, long serverErrors,
      boolean redisAnswers, long jitMs) {
    if (!redisAnswers || answers == 0 || serverErrors * 2 > answers) {
      return Verdict.NOT_ANSWERING;
    }
    double rate = answers * 1000.0 / Math.max(1, windowMs);
    boolean rising = rate > best * (1 + RISE_PERCENT / 100.0);
    flat = rising ? 0 : flat + 1;
    best = Math.max(best, rate);
    jitQuiet = jitMs * 100 <= windowMs * JIT_QUIET_PERCENT ? jitQuiet + 1 : 0;
    if (elapsedMs >= maxMs) {
      return Verdict.MAX_TIME;
    }
    return elapsedMs >= minMs && flat >= FLAT_WINDOWS && jitQuiet >= FLAT_WINDOWS
        ? Verdict.RATE_FLAT : Verdict.GO_ON;
  }
}
