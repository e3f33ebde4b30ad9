package io.streamgate.gateway.cache;

/**
 * What a read returned, and whether it is a stale copy: served from the near cache because the
 * store could not be asked, {@code ageSeconds} after it was last confirmed. Immutable.
 */
public record Read<T>(T value, boolean stale, long ageSeconds) {

  public static <T> Read<T> fresh(T value) {
    return new Read<>(value, false, 0);
  }

  public static <T> Read<T> stale(T value, long ageSeconds) {
    return new Read<>(value, true, ageSeconds);
  }
}
