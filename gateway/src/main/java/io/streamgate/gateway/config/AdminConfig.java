package io.streamgate.gateway.config;

/**
 * The admin API ({@code /admin/v1/...}, on the management listener and the public one; every
 * call needs a token with scope {@code admin}).
 *
 * @param timeoutMs how long an apply, preview or drop waits for the processor's answer; then
 *                  504 {@code processor-timeout}, and the processor refuses the request as
 *                  expired if it reads it later. Default 60 s
 */
public record AdminConfig(int timeoutMs) {
  public static final int DEFAULT_TIMEOUT_MS = 60_000;
  public static final int MIN_TIMEOUT_MS = 100;
  public static final int MAX_TIMEOUT_MS = 600_000;

  public AdminConfig {
    if (timeoutMs < MIN_TIMEOUT_MS || timeoutMs > MAX_TIMEOUT_MS) {
      throw new ConfigException("timeoutMs", "must be " + MIN_TIMEOUT_MS + "-" + MAX_TIMEOUT_MS
          + ", but was " + timeoutMs);
    }
  }

  public static AdminConfig defaults() {
    return new AdminConfig(DEFAULT_TIMEOUT_MS);
  }
}
