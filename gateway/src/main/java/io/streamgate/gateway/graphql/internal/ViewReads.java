package io.streamgate.gateway.graphql.internal;

import graphql.execution.DataFetcherResult;
import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.Indexes;
import io.streamgate.contract.Names;
import io.streamgate.contract.Row;
import io.streamgate.gateway.auth.Access;
import io.streamgate.gateway.auth.Principal;
import io.streamgate.gateway.breaker.CallRejectedException;
import io.streamgate.gateway.cache.NearCache;
import io.streamgate.gateway.cache.Read;
import io.streamgate.gateway.catalog.Catalog;
import io.streamgate.gateway.graphql.GraphQLApi;
import io.streamgate.gateway.store.RowBatch;
import io.streamgate.gateway.store.StoreUnavailableException;
import io.streamgate.gateway.store.ViewStore;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The query fields: the same reads as the REST endpoints, through the near cache, with the same
 * checks ({@link Access}, in its order) and limits. A refusal is the field's error (null data,
 * a code from {@link ErrorCode}); the other fields of the operation still answer. Each field
 * charges the rows it read to the caller's rate limit. Stateless; fields resolve on the
 * request's event loop.
 */
final class ViewReads {
  private final Catalog catalog;
  private final ViewStore store;
  private final NearCache rows;

  ViewReads(Catalog catalog, ViewStore store, NearCache rows) {
    this.catalog = catalog;
    this.store = store;
    this.rows = rows;
  }

  DataFetcher<Object> views() {
    return env -> {
      Principal principal = Caller.of(env).principal();
      Access.Refusal refusal = Access.listViews(principal, catalog);
      if (refusal != null) {
        return failed(env, ErrorCode.of(refusal.kind()), refusal.message());
      }
      return catalog.views().stream().map(CatalogEntry::name).filter(principal::canRead)
          .toList();
    };
  }

  DataFetcher<Object> row(CatalogEntry view) {
    return env -> {
      String key = env.getArgument("key");
      CatalogEntry entry = readable(env, view.name(), List.of(key));
      if (entry == null) {
        return refused(env, view.name(), List.of(key));
      }
      return answer(env, rows.get(entry.name(), entry.version(), key), read -> {
        Row row = read.value() == null ? null : read.value().row();
        return new Charged<>(1, row == null ? null : RowData.of(row));
      });
    };
  }

  DataFetcher<Object> rows(CatalogEntry view) {
    return env -> {
      List<String> keyList = env.getArgument("keys");
      Map<String, String> given = filters(env, view);
      if (keyList != null) {
        if (!given.isEmpty()) {
          return failed(env, ErrorCode.INVALID_ARGUMENT, "give either keys or filters on"
              + " indexed columns, not both");
        }
        return keys(env, view, List.copyOf(new LinkedHashSet<>(keyList)));
      }
      return given.isEmpty() ? page(env, view) : filter(env, view, given);
    };
  }

  /**
   * The filter arguments given to a rows or subscription field: indexed column → value, in the
   * order of the view's indexes; empty if none.
   */
  static Map<String, String> filters(DataFetchingEnvironment env, CatalogEntry view) {
    Map<String, String> given = new LinkedHashMap<>();
    GraphQLNames.indexArguments(view).forEach((argument, column) -> {
      if (env.getArgument(argument) != null) {
        given.put(column, env.getArgument(argument));
      }
    });
    return given;
  }

  private Object keys(DataFetchingEnvironment env, CatalogEntry view, List<String> keys) {
    if (env.getArgument("first") != null || env.getArgument("after") != null) {
      return failed(env, ErrorCode.INVALID_ARGUMENT,
          "give either keys or first/after, not both");
    }
    if (keys.size() > GraphQLApi.MAX_KEYS) {
      return failed(env, ErrorCode.INVALID_ARGUMENT, "at most " + GraphQLApi.MAX_KEYS
          + " keys per field, but got " + keys.size());
    }
    CatalogEntry entry = readable(env, view.name(), keys);
    if (entry == null) {
      return refused(env, view.name(), keys);
    }
    if (keys.isEmpty()) {
      return new RowData.Page(List.of(), null);
    }
    return answer(env, rows.getAll(entry.name(), entry.version(), keys),
        read -> new Charged<>(keys.size(),
            new RowData.Page(RowData.of(read.value().found()), null)));
  }

  private Object page(DataFetchingEnvironment env, CatalogEntry view) {
    CatalogEntry entry = readable(env, view.name(), null);
    if (entry == null) {
      return refused(env, view.name(), null);
    }
    Object tenantRefusal = noTenant(env, "a page of rows (" + view.name() + "_rows without keys)");
    if (tenantRefusal != null) {
      return tenantRefusal;
    }
    Integer firstArg = env.getArgument("first");
    int first = firstArg == null ? GraphQLApi.DEFAULT_PAGE : firstArg;
    if (first < 1 || first > GraphQLApi.MAX_PAGE) {
      return failed(env, ErrorCode.INVALID_ARGUMENT, "first must be 1-" + GraphQLApi.MAX_PAGE
          + ", but was " + first);
    }
    String after = null;
    String cursor = env.getArgument("after");
    if (cursor != null) {
      after = decodeCursor(cursor);
      if (after == null) {
        return failed(env, ErrorCode.INVALID_ARGUMENT, "after is not a cursor this API issued;"
            + " take next from the previous page, or start without one");
      }
    }
    String[] next = {null};
    int[] read = {0};
    Future<Read<RowBatch>> rowsRead = store.keysAfter(entry.name(), entry.version(), after,
        first + 1).compose(keys -> {
          List<String> page = keys.size() > first ? keys.subList(0, first) : keys;
          if (keys.size() > first) {
            next[0] = encodeCursor(page.get(page.size() - 1));
          }
          read[0] = page.size();
          return rowsOf(entry, page);
        });
    return answer(env, rowsRead, batch -> new Charged<>(read[0],
        new RowData.Page(RowData.of(batch.value().found()), next[0])));
  }

  /** A page of the rows whose indexed columns have the given values (REST's filters). */
  private Object filter(DataFetchingEnvironment env, CatalogEntry view,
      Map<String, String> given) {
    CatalogEntry entry = readable(env, view.name(), null);
    if (entry == null) {
      return refused(env, view.name(), null);
    }
    Map<String, String> where;
    try {
      where = Indexes.where(entry, given);
    } catch (IllegalArgumentException e) {
      return failed(env, ErrorCode.INVALID_ARGUMENT, e.getMessage());
    }
    Integer firstArg = env.getArgument("first");
    int first = firstArg == null ? GraphQLApi.DEFAULT_PAGE : firstArg;
    if (first < 1 || first > GraphQLApi.MAX_PAGE) {
      return failed(env, ErrorCode.INVALID_ARGUMENT, "first must be 1-" + GraphQLApi.MAX_PAGE
          + ", but was " + first);
    }
    Principal principal = Caller.of(env).principal();
    // A tenant-bound token filters its own keys only, as over REST.
    String prefix = principal.tenantBound()
        ? principal.tenant() + Principal.TENANT_SEPARATOR : null;
    String after = null;
    String cursor = env.getArgument("after");
    if (cursor != null) {
      after = decodeCursor(cursor);
      if (after == null || (prefix != null && !after.startsWith(prefix))) {
        return failed(env, ErrorCode.INVALID_ARGUMENT, "after is not a cursor this API issued"
            + " (to this token); take next from the previous page, or start without one");
      }
    }
    return answer(env, store.filter(entry.name(), entry.version(), where, after, prefix, first),
        page -> new Charged<>(Math.max(1, page.rows().size()), new RowData.Page(
            RowData.of(page.rows()), page.next() == null ? null : encodeCursor(page.next()))));
  }

  DataFetcher<Object> top(CatalogEntry view) {
    return env -> {
      CatalogEntry entry = readable(env, view.name(), null);
      if (entry == null) {
        return refused(env, view.name(), null);
      }
      Object tenantRefusal = noTenant(env, "the top-N (" + view.name() + "_top)");
      if (tenantRefusal != null) {
        return tenantRefusal;
      }
      int n = env.getArgument("n");
      if (n < 1 || n > GraphQLApi.MAX_TOP) {
        return failed(env, ErrorCode.INVALID_ARGUMENT, "n must be 1-" + GraphQLApi.MAX_TOP
            + ", but was " + n);
      }
      int[] read = {0};
      Future<Read<RowBatch>> rowsRead = store.topKeys(entry.name(), entry.version(), n)
          .compose(keys -> {
            read[0] = keys.size();
            return rowsOf(entry, keys);
          });
      return answer(env, rowsRead,
          batch -> new Charged<>(read[0], RowData.of(batch.value().found())));
    };
  }

  /** The view's entry if the caller may read {@code keys} of it (null: the view), else null. */
  private CatalogEntry readable(DataFetchingEnvironment env, String view, List<String> keys) {
    Access.Refusal refusal = Access.read(Caller.of(env).principal(), catalog, view, keys);
    return refusal != null ? null : catalog.find(view).orElse(null);
  }

  private Object refused(DataFetchingEnvironment env, String view, List<String> keys) {
    Access.Refusal refusal = Access.read(Caller.of(env).principal(), catalog, view, keys);
    if (refusal == null) { // dropped from the catalog between the two looks
      refusal = Access.unknownView(view);
    }
    return failed(env, ErrorCode.of(refusal.kind()), refusal.message());
  }

  /** Pages and top-N span every tenant's keys: not for a tenant-bound token (as in REST). */
  private static Object noTenant(DataFetchingEnvironment env, String what) {
    Principal principal = Caller.of(env).principal();
    if (!principal.tenantBound()) {
      return null;
    }
    return failed(env, ErrorCode.FORBIDDEN, what + " is not available to a token limited to"
        + " tenant '" + principal.tenant() + "'; read its keys by key or with keys:");
  }

  private Future<Read<RowBatch>> rowsOf(CatalogEntry entry, List<String> indexKeys) {
    List<String> keys = new ArrayList<>(indexKeys.size());
    for (String key : indexKeys) {
      if (Names.keyProblem(key) == null) {
        keys.add(key);
      }
    }
    if (keys.isEmpty()) {
      return Future.succeededFuture(Read.fresh(new RowBatch(List.of(), List.of())));
    }
    return rows.getAll(entry.name(), entry.version(), keys);
  }

  /** What a read gave, and how many rows it read (the rate-limit cost). */
  private record Charged<T>(int rows, T data) {}

  /**
   * The field's answer once {@code read} completes: charged to the caller's rate limit, or its
   * error (store unavailable, rate limited).
   */
  private static <R> CompletionStage<Object> answer(DataFetchingEnvironment env,
      Future<R> read, Function<R, Charged<?>> shape) {
    CompletableFuture<Object> result = new CompletableFuture<>();
    read.onComplete(ar -> {
      if (ar.failed()) {
        Throwable cause = ar.cause();
        boolean unavailable = cause instanceof StoreUnavailableException
            || cause instanceof CallRejectedException;
        result.complete(failed(env, unavailable ? ErrorCode.UNAVAILABLE : ErrorCode.INTERNAL,
            unavailable ? "the store did not answer (" + cause.getMessage() + "); retry shortly"
                : "the read failed"));
        return;
      }
      Charged<?> charged = shape.apply(ar.result());
      String limited = Caller.of(env).charge(charged.rows());
      result.complete(limited != null ? failed(env, ErrorCode.RATE_LIMITED, limited)
          : charged.data());
    });
    return result;
  }

  static DataFetcherResult<Object> failed(DataFetchingEnvironment env, ErrorCode code,
      String message) {
    return DataFetcherResult.newResult().data(null).error(code.at(env, message)).build();
  }

  /** The same cursors as REST's pages: base64url of the page's last key, no padding. */
  static String encodeCursor(String lastKey) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(lastKey.getBytes(StandardCharsets.UTF_8));
  }

  /** The key a cursor names, or null if it is not one this API issued. */
  static String decodeCursor(String cursor) {
    try {
      String key = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      return Names.keyProblem(key) == null ? key : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
