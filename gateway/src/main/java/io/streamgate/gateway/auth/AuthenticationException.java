package io.streamgate.gateway.auth;

/**
 * A bearer token that cannot be accepted. The message is safe to return to the caller (it never
 * contains the token or key material) and short enough for a {@code WWW-Authenticate}
 * {@code error_description}.
 */
public final class AuthenticationException extends RuntimeException {
  public AuthenticationException(String description) {
    super(description, null, false, false);
  }
}
