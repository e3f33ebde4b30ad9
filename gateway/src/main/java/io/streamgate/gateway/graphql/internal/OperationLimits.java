package io.streamgate.gateway.graphql.internal;

import graphql.ErrorClassification;
import graphql.ErrorType;
import graphql.ExecutionResult;
import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.analysis.FieldComplexityCalculator;
import graphql.analysis.MaxQueryComplexityInstrumentation;
import graphql.analysis.MaxQueryDepthInstrumentation;
import graphql.execution.AbortExecutionException;
import graphql.execution.instrumentation.ChainedInstrumentation;
import graphql.execution.instrumentation.Instrumentation;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationExecutionParameters;
import graphql.introspection.GoodFaithIntrospection;
import graphql.introspection.IntrospectionDisabledError;
import io.streamgate.gateway.config.GraphQLConfig;
import io.streamgate.gateway.graphql.GraphQLApi;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What runs around every operation: the depth and complexity limits (checked before any field
 * resolves, so a refused operation reads nothing) and the labelling of every error with a code
 * from {@link ErrorCode}. Stateless; thread-safe.
 */
final class OperationLimits {
  private OperationLimits() {}

  static Instrumentation of(GraphQLConfig config) {
    return new ChainedInstrumentation(List.of(
        new MaxQueryDepthInstrumentation(config.maxDepth()) {
          @Override
          protected AbortExecutionException mkAbortException(int depth, int maxDepth) {
            return ErrorCode.DEPTH_LIMIT.abort("the operation nests " + depth
                + " levels deep; at most " + maxDepth + " are allowed (graphql.maxDepth)");
          }
        },
        new MaxQueryComplexityInstrumentation(config.maxComplexity(), complexity()) {
          @Override
          protected AbortExecutionException mkAbortException(int complexity, int max) {
            return ErrorCode.COMPLEXITY_LIMIT.abort("the operation may select " + complexity
                + " fields (list fields count once per row they may return); at most " + max
                + " are allowed (graphql.maxComplexity)");
          }
        },
        new Labels()));
  }

  /**
   * A field costs 1 plus its selection, times the rows it may return: the number of keys, or
   * {@code first} / {@code n} (a page without {@code first}: its default).
   */
  static FieldComplexityCalculator complexity() {
    return (env, childComplexity) -> {
      Map<String, Object> args = env.getArguments();
      long rows = 1;
      if (args.get("keys") instanceof List<?> keys) {
        rows = Math.max(1, keys.size());
      } else if (args.get("n") instanceof Integer n) {
        rows = Math.max(1, n);
      } else if (args.containsKey("first") || args.containsKey("after")) {
        rows = args.get("first") instanceof Integer first ? Math.max(1, first)
            : GraphQLApi.DEFAULT_PAGE;
      } else if (env.getFieldDefinition().getName().endsWith("_rows")
          && env.getParentType().getName().equals("Query")) {
        rows = GraphQLApi.DEFAULT_PAGE;
      }
      return (int) Math.min(Integer.MAX_VALUE, rows * (1L + childComplexity));
    };
  }

  /** Gives graphql-java's own errors (syntax, validation, introspection off) their code. */
  private static final class Labels extends SimplePerformantInstrumentation {
    @Override
    public CompletableFuture<ExecutionResult> instrumentExecutionResult(ExecutionResult result,
        InstrumentationExecutionParameters parameters, InstrumentationState state) {
      List<GraphQLError> errors = result.getErrors();
      if (errors.isEmpty() || errors.stream().allMatch(OperationLimits::labelled)) {
        return CompletableFuture.completedFuture(result);
      }
      List<GraphQLError> labelled = new ArrayList<>(errors.size());
      for (GraphQLError error : errors) {
        labelled.add(labelled(error) ? error : label(error));
      }
      return CompletableFuture.completedFuture(result.transform(b -> b.errors(labelled)));
    }
  }

  private static boolean labelled(GraphQLError error) {
    Map<String, Object> extensions = error.getExtensions();
    return extensions != null && extensions.get(ErrorCode.EXTENSION) != null;
  }

  static GraphQLError label(GraphQLError error) {
    Map<String, Object> extensions = new LinkedHashMap<>();
    if (error.getExtensions() != null) {
      extensions.putAll(error.getExtensions());
    }
    extensions.put(ErrorCode.EXTENSION, codeOf(error).code);
    GraphqlErrorBuilder<?> builder = GraphqlErrorBuilder.newError()
        .message("%s", error.getMessage())
        .locations(error.getLocations())
        .extensions(extensions);
    if (error.getPath() != null) {
      builder.path(error.getPath());
    }
    if (error.getErrorType() != null) {
      builder.errorType(error.getErrorType());
    }
    return builder.build();
  }

  private static ErrorCode codeOf(GraphQLError error) {
    ErrorClassification type = error.getErrorType();
    if (error instanceof IntrospectionDisabledError) {
      return ErrorCode.INTROSPECTION_DISABLED;
    }
    if (error instanceof GoodFaithIntrospection.BadFaithIntrospectionError) {
      // graphql-java's own bound on introspection (fields repeated, nesting): a size limit.
      return ErrorCode.COMPLEXITY_LIMIT;
    }
    if (type == ErrorType.InvalidSyntax || type == ErrorType.ValidationError) {
      return ErrorCode.INVALID_QUERY;
    }
    return ErrorCode.INTERNAL;
  }
}
