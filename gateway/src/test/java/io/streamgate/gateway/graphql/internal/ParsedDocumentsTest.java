package io.streamgate.gateway.graphql.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import graphql.ExecutionInput;
import graphql.execution.preparsed.PreparsedDocumentEntry;
import graphql.language.Document;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Documents are parsed once per text, up to a length; longer ones every time. */
class ParsedDocumentsTest {
  private final AtomicInteger parses = new AtomicInteger();
  private final Function<ExecutionInput, PreparsedDocumentEntry> parse = input -> {
    parses.incrementAndGet();
    return new PreparsedDocumentEntry(Document.newDocument().build());
  };

  @Test
  void theSameTextIsParsedOnceWhateverItsVariables() throws Exception {
    ParsedDocuments documents = new ParsedDocuments();
    String query = "query($k: String!) { v(key: $k) { key } }";
    PreparsedDocumentEntry first = documents.getDocumentAsync(ExecutionInput.newExecutionInput(query)
        .variables(java.util.Map.of("k", "a")).build(), parse).get();
    PreparsedDocumentEntry second = documents.getDocumentAsync(ExecutionInput.newExecutionInput(query)
        .variables(java.util.Map.of("k", "b")).build(), parse).get();
    assertSame(first, second);
    assertEquals(1, parses.get());
    documents.getDocumentAsync(ExecutionInput.newExecutionInput("{ other }").build(), parse).get();
    assertEquals(2, parses.get());
  }

  @Test
  void longDocumentsAreNotKept() throws Exception {
    ParsedDocuments documents = new ParsedDocuments();
    String query = "{ v(key: \"" + "x".repeat(ParsedDocuments.MAX_CACHED_LENGTH) + "\") { key } }";
    documents.getDocumentAsync(ExecutionInput.newExecutionInput(query).build(), parse).get();
    documents.getDocumentAsync(ExecutionInput.newExecutionInput(query).build(), parse).get();
    assertEquals(2, parses.get());
  }
}
