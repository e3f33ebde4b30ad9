package io.streamgate.gateway.auth;

import java.util.Set;

/**
 * The verified caller of a request: who (the token's {@code sub}), what it may do (its scopes)
 * and which rate-limit plan it is on (its {@code plan} claim, null if none). Immutable and
 * thread-safe.
 *
 * <p>View scopes: {@value #READ_ALL_VIEWS} reads every view, {@code views:<view>:read} one.
 */
public record Principal(String subject, Set<String> scopes, String plan) {
  public static final String READ_ALL_VIEWS = "views:read";
  private static final String VIEW_SCOPE_PREFIX = "views:";
  private static final String READ_SUFFIX = ":read";

  public Principal {
    scopes = Set.copyOf(scopes);
  }

  /** A principal without a plan claim. */
  public Principal(String subject, Set<String> scopes) {
    this(subject, scopes, null);
  }

  /** The scope that grants reading one view. */
  public static String readScope(String view) {
    return VIEW_SCOPE_PREFIX + view + READ_SUFFIX;
  }

  public boolean canRead(String view) {
    return scopes.contains(READ_ALL_VIEWS) || scopes.contains(readScope(view));
  }

  /** True if some view scope is present, i.e. listing views may show something. */
  public boolean canReadSomeView() {
    for (String scope : scopes) {
      if (scope.startsWith(VIEW_SCOPE_PREFIX) && scope.endsWith(READ_SUFFIX)) {
        return true;
      }
    }
    return false;
  }
}
