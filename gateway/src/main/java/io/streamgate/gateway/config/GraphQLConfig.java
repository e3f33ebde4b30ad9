package io.streamgate.gateway.config;

/**
 * GraphQL at {@code /v1/graphql}: queries over HTTP and subscriptions over the
 * {@code graphql-transport-ws} WebSocket protocol. See {@code docs/graphql.md}. Subscriptions
 * are bounded by the {@code push} section's limits (subscriptions per connection, keys per
 * subscription, pending messages, sockets per principal, heartbeat).
 *
 * @param enabled       false: {@code /v1/graphql} answers 404 and no change listener is added
 * @param introspection whether {@code __schema} and {@code __type} are answered; the schema
 *                      holds the same view names and columns as {@code /openapi.json}
 * @param maxDepth      deepest field nesting an operation may have (the generated schema needs
 *                      3: a column of a row inside a page, or of a subscription event's row;
 *                      introspection goes deeper); deeper ones fail with {@code depth-limit}
 * @param maxComplexity most fields an operation may select, each list field counted once per
 *                      row it may return ({@code first}, {@code n} or the number of keys);
 *                      over it, the operation fails with {@code complexity-limit}
 */
public record GraphQLConfig(boolean enabled, boolean introspection, int maxDepth,
    int maxComplexity) {
  public static final boolean DEFAULT_ENABLED = true;
  public static final boolean DEFAULT_INTROSPECTION = true;
  public static final int DEFAULT_MAX_DEPTH = 8;
  public static final int DEFAULT_MAX_COMPLEXITY = 5_000;

  public GraphQLConfig {
    if (maxDepth < 3 || maxDepth > 100) {
      throw new ConfigException("maxDepth", "must be 3-100, but was " + maxDepth);
    }
    if (maxComplexity < 1 || maxComplexity > 10_000_000) {
      throw new ConfigException("maxComplexity", "must be 1-10000000, but was " + maxComplexity);
    }
  }

  public static GraphQLConfig defaults() {
    return new GraphQLConfig(DEFAULT_ENABLED, DEFAULT_INTROSPECTION, DEFAULT_MAX_DEPTH,
        DEFAULT_MAX_COMPLEXITY);
  }
}
