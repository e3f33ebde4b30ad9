package io.streamgate.gateway.graphql.internal;

import graphql.ErrorClassification;
import graphql.ErrorType;
import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.execution.AbortExecutionException;
import graphql.schema.DataFetchingEnvironment;
import io.streamgate.gateway.auth.Access;
import java.util.Map;

/**
 * The stable codes of GraphQL errors, in {@code errors[].extensions.code} (docs/graphql.md lists
 * them). Every error the endpoint returns carries one: those raised here, and graphql-java's own
 * (syntax, validation, introspection off), which {@link ErrorCodes} labels afterwards.
 */
enum ErrorCode {
  /** The document does not parse, or does not validate against the schema. */
  INVALID_QUERY("invalid-query"),
  /** An argument is malformed (a key, a cursor, a count out of range). */
  INVALID_ARGUMENT("invalid-argument"),
  /**
   * A filter names a column the view does not index (REST's 400 for the same): a validation
   * error whose message names the indexed columns.
   */
  NOT_INDEXED("not-indexed"),
  /** The token lacks the view's scope, or a key is outside its tenant. */
  FORBIDDEN("forbidden"),
  /** The view left the catalog after the schema was built. */
  UNKNOWN_VIEW("unknown-view"),
  /** The catalog has not been read yet, or the store did not answer: retry shortly. */
  UNAVAILABLE("unavailable"),
  /** The rows read took the principal over its plan's rate limit. */
  RATE_LIMITED("rate-limited"),
  /** The operation nests deeper than {@code graphql.maxDepth}. */
  DEPTH_LIMIT("depth-limit"),
  /** The operation may select more than {@code graphql.maxComplexity} fields. */
  COMPLEXITY_LIMIT("complexity-limit"),
  /** Introspection is off ({@code graphql.introspection: false}). */
  INTROSPECTION_DISABLED("introspection-disabled"),
  /** The connection holds {@code push.maxSubscriptions} subscriptions already. */
  TOO_MANY_SUBSCRIPTIONS("too-many-subscriptions"),
  /**
   * A filtered subscription matches more rows than one subscription tracks
   * ({@code push.maxKeysPerSubscription}), at its snapshot or later: it ends.
   */
  TOO_MANY_ROWS("too-many-rows"),
  /**
   * Too many snapshot reads wait on this event loop, or a filter's view changed at too many
   * keys while its snapshot was read: subscribe again shortly.
   */
  OVERLOADED("overloaded"),
  /** A bug: the message says no more than that. */
  INTERNAL("internal");

  static final String EXTENSION = "code";

  final String code;

  ErrorCode(String code) {
    this.code = code;
  }

  /** The error for the field {@code env} resolves. */
  GraphQLError at(DataFetchingEnvironment env, String message) {
    return GraphqlErrorBuilder.newError(env).message("%s", message)
        .errorType(classification())
        .extensions(Map.of(EXTENSION, code)).build();
  }

  /** The error of a subscription that ends after it started (no field to point at). */
  GraphQLError error(String message) {
    return GraphqlErrorBuilder.newError().message("%s", message).errorType(classification())
        .extensions(Map.of(EXTENSION, code)).build();
  }

  /** An exception that ends the whole operation with this code (before any field ran). */
  AbortExecutionException abort(String message) {
    return new AbortExecutionException(message) {
      @Override
      public Map<String, Object> getExtensions() {
        return Map.of(EXTENSION, code);
      }
    };
  }

  /** How {@code Access} refusals read in GraphQL: one mapping for every field. */
  static ErrorCode of(Access.Kind kind) {
    return switch (kind) {
      case INVALID -> INVALID_ARGUMENT;
      case FORBIDDEN -> FORBIDDEN;
      case NOT_FOUND -> UNKNOWN_VIEW;
      case UNAVAILABLE -> UNAVAILABLE;
    };
  }

  private ErrorClassification classification() {
    return switch (this) {
      case INVALID_QUERY, INVALID_ARGUMENT, NOT_INDEXED, DEPTH_LIMIT, COMPLEXITY_LIMIT ->
          ErrorType.ValidationError;
      case INTERNAL, UNAVAILABLE, OVERLOADED -> ErrorType.DataFetchingException;
      default -> ErrorType.ExecutionAborted;
    };
  }
}
