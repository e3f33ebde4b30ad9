package io.streamgate.gateway.graphql.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import graphql.ExecutionInput;
import graphql.execution.preparsed.PreparsedDocumentEntry;
import graphql.execution.preparsed.PreparsedDocumentProvider;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Parsed and validated documents by their text, so a client that sends the same operation
 * again (with other variables, as clients do) skips parsing and validation. Bounded: at most
 * {@link #MAX_DOCUMENTS} documents of at most {@link #MAX_CACHED_LENGTH} characters, the least
 * used leaving first; only authenticated requests get here. One per schema (a document is
 * validated against it). Thread-safe.
 */
final class ParsedDocuments implements PreparsedDocumentProvider {
  static final int MAX_DOCUMENTS = 1_000;
  static final int MAX_CACHED_LENGTH = 4_096;

  private final Cache<String, PreparsedDocumentEntry> documents = Caffeine.newBuilder()
      .maximumSize(MAX_DOCUMENTS).executor(Runnable::run).build();

  @Override
  public CompletableFuture<PreparsedDocumentEntry> getDocumentAsync(ExecutionInput input,
      Function<ExecutionInput, PreparsedDocumentEntry> parseAndValidate) {
    String query = input.getQuery();
    if (query.length() > MAX_CACHED_LENGTH) {
      return CompletableFuture.completedFuture(parseAndValidate.apply(input));
    }
    return CompletableFuture.completedFuture(
        documents.get(query, q -> parseAndValidate.apply(input)));
  }
}
