package io.streamgate.gateway.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The verified caller of a request: who (the token's {@code sub}), what it may do (its scopes),
 * which rate-limit plan it is on (its {@code plan} claim, null if none), which tenant's keys
 * it is limited to (its {@code tenant} claim, null if none) and until when (its {@code exp}, in
 * epoch seconds; {@link #NO_EXPIRY} if it has none), and which key verified its token
 * ({@code keyId}: an opaque id of issuer and {@code kid}, null if the token named no kid; see
 * {@link TokenVerifier#onKeysRevoked}). Immutable and thread-safe. Whether it may read a view's
 * keys or write to a stream is {@link Access}'s answer.
 *
 * <p>View scopes: {@value #READ_ALL_VIEWS} reads every view, {@code views:<view>:read} one.
 * Stream scopes: {@value #WRITE_ALL_STREAMS} posts to every stream, {@code events:<stream>:write}
 * to one.
 *
 * <p>Tenants: the row keys of tenant {@code t} start with {@code t:} ({@link #TENANT_SEPARATOR});
 * a principal with a tenant may read only those keys, a principal without one any key.
 */
public record Principal(String subject, Set<String> scopes, String plan, String tenant,
    long expiresAt, String keyId) {
  public static final String READ_ALL_VIEWS = "views:read";
  /** Scope that allows posting to every stream. */
  public static final String WRITE_ALL_STREAMS = "events:write";
  /** Scope that allows the admin API: publishing, changing and dropping views. */
  public static final String ADMIN = "admin";
  /** {@link #expiresAt} of a principal whose token has no {@code exp}. */
  public static final long NO_EXPIRY = Long.MAX_VALUE;
  /** Separates the tenant from the rest of a row key: {@code acme:order-17}. */
  public static final char TENANT_SEPARATOR = ':';
  private static final String VIEW_SCOPE_PREFIX = "views:";
  private static final String READ_SUFFIX = ":read";

  public Principal {
    scopes = Set.copyOf(scopes);
  }

  /** A principal whose verifying key is not known (no kid). */
  public Principal(String subject, Set<String> scopes, String plan, String tenant,
      long expiresAt) {
    this(subject, scopes, plan, tenant, expiresAt, null);
  }

  /** The opaque id of the key {@code kid} of issuer {@code issuer}, as in {@link #keyId}. */
  public static String keyId(String issuer, String kid) {
    return issuer + ' ' + kid;
  }

  /** A principal without an expiry. */
  public Principal(String subject, Set<String> scopes, String plan, String tenant) {
    this(subject, scopes, plan, tenant, NO_EXPIRY);
  }

  /** A principal without a tenant. */
  public Principal(String subject, Set<String> scopes, String plan) {
    this(subject, scopes, plan, null);
  }

  /** A principal without a plan claim or tenant. */
  public Principal(String subject, Set<String> scopes) {
    this(subject, scopes, null, null);
  }

  /** The scope that grants reading one view. */
  public static String readScope(String view) {
    return VIEW_SCOPE_PREFIX + view + READ_SUFFIX;
  }

  /** The scope that grants posting to one stream. */
  public static String writeScope(String stream) {
    return "events:" + stream + ":write";
  }

  public boolean canWrite(String stream) {
    return scopes.contains(WRITE_ALL_STREAMS) || scopes.contains(writeScope(stream));
  }

  /** True if the principal may use the admin API ({@value #ADMIN}). */
  public boolean canAdminister() {
    return scopes.contains(ADMIN);
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

  /** True if the principal is limited to one tenant's keys. */
  public boolean tenantBound() {
    return tenant != null;
  }

  /** True if the row key is within the principal's tenant (always, without a tenant). */
  public boolean canReadKey(String key) {
    return tenant == null
        || key.length() > tenant.length() + 1
            && key.charAt(tenant.length()) == TENANT_SEPARATOR
            && key.startsWith(tenant);
  }

  /**
   * Why these keys may not be read, naming the first few outside the principal's tenant, or null
   * if all may. The one wording for REST and push refusals.
   */
  public String foreignKeysProblem(List<String> keys) {
    if (tenant == null) {
      return null;
    }
    List<String> foreign = new ArrayList<>();
    for (String key : keys) {
      if (!canReadKey(key)) {
        foreign.add(key);
      }
    }
    if (foreign.isEmpty()) {
      return null;
    }
    return "the token is limited to tenant '" + tenant + "', whose keys start with '" + tenant
        + TENANT_SEPARATOR + "'; not: "
        + String.join(", ", foreign.subList(0, Math.min(foreign.size(), 5)))
        + (foreign.size() > 5 ? " and " + (foreign.size() - 5) + " more" : "");
  }
}
