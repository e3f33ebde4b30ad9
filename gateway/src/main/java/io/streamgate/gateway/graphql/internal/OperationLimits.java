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
import graphql.schema.GraphQLArgument;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLTypeUtil;
import graphql.validation.ValidationError;
import graphql.validation.ValidationErrorType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
        labelled.add(labelled(error) ? error : label(error, parameters.getSchema(),
            parameters.getQuery()));
      }
      return CompletableFuture.completedFuture(result.transform(b -> b.errors(labelled)));
    }
  }

  private static boolean labelled(GraphQLError error) {
    Map<String, Object> extensions = error.getExtensions();
    return extensions != null && extensions.get(ErrorCode.EXTENSION) != null;
  }

  /** @param query the document's text, or null */
  static GraphQLError label(GraphQLError error, GraphQLSchema schema, String query) {
    Map<String, Object> extensions = new LinkedHashMap<>();
    if (error.getExtensions() != null) {
      extensions.putAll(error.getExtensions());
    }
    String notIndexed = schema == null ? null : notIndexed(error, schema,
        query != null && query.stripLeading().startsWith("subscription"));
    extensions.put(ErrorCode.EXTENSION,
        (notIndexed != null ? ErrorCode.NOT_INDEXED : codeOf(error)).code);
    GraphqlErrorBuilder<?> builder = GraphqlErrorBuilder.newError()
        .message("%s", notIndexed != null ? error.getMessage() + "; " + notIndexed
            : error.getMessage())
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

  /** graphql-java's message for an argument a field does not declare (graphql-java 24). */
  private static final Pattern UNKNOWN_ARGUMENT =
      Pattern.compile("Unknown field argument '([_0-9A-Za-z]+)'");

  /**
   * For an argument of a view's rows or subscription field that names a column the view does
   * not index (REST's 400 for the same filter): what the filter may name instead; else null.
   * The filter arguments are the field's arguments besides keys, first and after.
   *
   * @param subscription whether the document is a subscription (a view's subscription field
   *     has its point query's name); clients send one operation per document
   */
  static String notIndexed(GraphQLError error, GraphQLSchema schema, boolean subscription) {
    if (!(error instanceof ValidationError validation)
        || validation.getValidationErrorType() != ValidationErrorType.UnknownArgument
        || validation.getQueryPath() == null || validation.getQueryPath().isEmpty()) {
      return null;
    }
    Matcher argument = UNKNOWN_ARGUMENT.matcher(error.getMessage());
    if (!argument.find()) {
      return null;
    }
    String column = argument.group(1);
    List<String> path = validation.getQueryPath();
    String fieldName = path.get(path.size() - 1);
    GraphQLObjectType root = subscription ? schema.getSubscriptionType() : schema.getQueryType();
    GraphQLFieldDefinition field = root == null ? null : root.getFieldDefinition(fieldName);
    GraphQLObjectType row = field == null ? null : rowsOf(field);
    if (row != null && row.getFieldDefinition(column) != null
        && field.getArgument(column) == null) {
      List<String> indexed = field.getArguments().stream().map(GraphQLArgument::getName)
          .filter(name -> !GraphQLNames.ROWS_ARGUMENTS.contains(name)).toList();
      return "'" + fieldName + "' cannot be filtered by '" + column + "': " + (indexed.isEmpty()
          ? "its view declares no indexes" : "its indexed columns are "
              + String.join(", ", indexed)) + " (filters take indexed columns only)";
    }
    return null;
  }

  /** The row type of a page ({@code rows}) or subscription event ({@code row}) field; or null. */
  private static GraphQLObjectType rowsOf(GraphQLFieldDefinition field) {
    if (!(GraphQLTypeUtil.unwrapAll(field.getType()) instanceof GraphQLObjectType holder)) {
      return null;
    }
    GraphQLFieldDefinition rows = holder.getFieldDefinition("rows") != null
        ? holder.getFieldDefinition("rows") : holder.getFieldDefinition("row");
    return rows != null && GraphQLTypeUtil.unwrapAll(rows.getType()) instanceof GraphQLObjectType r
        ? r : null;
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
