package io.herald.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.gateway.Views.Items;
import io.herald.gateway.Views.Page;
import io.herald.gateway.Views.SubscriberView;
import io.herald.protocol.AccountProtocol.AccountSummary;
import io.herald.protocol.AccountProtocol.Segment;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;

/**
 * {@code /api/v1/segments}: an account's saved filters over its subscribers, their counts, their
 * members and CSV exports. A segment is stored by the account entity as validated filter text;
 * counts and members are read from the subscriber read model when asked.
 */
public final class SegmentRoutes extends RouteSupport {

  private static final Set<String> FIELDS = Set.of("name", "filter");

  private final Accounts accounts;
  private final SubscriberDirectory directory;

  /** Routes over the given accounts and read model. */
  public SegmentRoutes(
      ObjectMapper mapper,
      Responses responses,
      GatewaySettings settings,
      Accounts accounts,
      SubscriberDirectory directory) {
    super(mapper, responses, settings);
    this.accounts = accounts;
    this.directory = directory;
  }

  /** The routes for one authenticated account. */
  public Route routes(AccountSummary account) {
    return pathPrefix(
        "segments",
        () ->
            concat(
                pathEndOrSingleSlash(
                    () ->
                        concat(
                            post(() -> jsonBody(FIELDS, body -> save(account, null, body))),
                            get(() -> respond(() -> all(account))))),
                pathPrefix(PathMatchers.segment(), id -> segment(account, id))));
  }

  private Route segment(AccountSummary account, String id) {
    return concat(
        pathEndOrSingleSlash(
            () ->
                concat(
                    get(() -> respond(() -> one(account, id))),
                    put(() -> jsonBody(FIELDS, body -> save(account, id, body))),
                    delete(() -> respond(() -> remove(account, id))))),
        path("count", () -> get(() -> respond(() -> count(account, id)))),
        path(
            "subscribers",
            () ->
                get(
                    () ->
                        parameterOptional(
                            "limit",
                            limit ->
                                parameterOptional(
                                    "cursor",
                                    cursor ->
                                        respond(() -> members(account, id, limit, cursor)))))),
        path(
            "export",
            () -> get(() -> extractMaterializer(m -> respond(() -> export(account, id, m))))));
  }

  private CompletionStage<HttpResponse> save(AccountSummary account, String id, JsonBody body) {
    String name = validName("name", body.requiredString("name"));
    JsonNode filter = body.node("filter");
    if (filter == null || filter.isNull()) {
      throw ApiError.unprocessable("missing_field", "field 'filter' is required");
    }
    return accounts
        .refresh(account.id())
        .thenCompose(
            fresh -> {
              if (id != null && fresh.segment(id).isEmpty()) {
                throw ApiError.notFound("segment " + id);
              }
              SegmentFilters.parse(filter, fresh::hasList, Instant.now());
              boolean create = id == null;
              String segmentId = create ? Secrets.newId("seg") : id;
              return accounts.saveSegment(fresh, segmentId, name, text(filter), create);
            })
        .thenApply(
            segment ->
                responses.json(id == null ? StatusCodes.CREATED : StatusCodes.OK, view(segment)));
  }

  private CompletionStage<HttpResponse> all(AccountSummary account) {
    return accounts
        .refresh(account.id())
        .thenApply(
            fresh ->
                responses.json(
                    StatusCodes.OK,
                    new Items<>(fresh.segments().stream().map(this::view).toList())));
  }

  private CompletionStage<HttpResponse> one(AccountSummary account, String id) {
    return accounts
        .requireSegment(account, id)
        .thenApply(segment -> responses.json(StatusCodes.OK, view(segment)));
  }

  private CompletionStage<HttpResponse> remove(AccountSummary account, String id) {
    return accounts
        .deleteSegment(account, id)
        .thenApply(fresh -> HttpResponse.create().withStatus(StatusCodes.NO_CONTENT));
  }

  private CompletionStage<HttpResponse> count(AccountSummary account, String id) {
    return accounts
        .requireSegment(account, id)
        .thenCompose(segment -> directory.countMatching(account.id(), filterOf(segment)))
        .thenApply(n -> responses.json(StatusCodes.OK, Map.of("count", n)));
  }

  private CompletionStage<HttpResponse> members(
      AccountSummary account, String id, Optional<String> limitParam, Optional<String> cursor) {
    int limit = ListRoutes.parseLimit(limitParam);
    Optional<String> after = cursor.filter(c -> !c.isEmpty()).map(ListRoutes::decodeCursor);
    return accounts
        .requireSegment(account, id)
        .thenCompose(segment -> directory.matching(account.id(), filterOf(segment), limit, after))
        .thenApply(
            page -> {
              var items = page.items().stream().map(SubscriberView::of).toList();
              String next =
                  page.hasMore() && !items.isEmpty()
                      ? ListRoutes.encodeCursor(items.get(items.size() - 1).id())
                      : null;
              return responses.json(StatusCodes.OK, new Page<>(items, next));
            });
  }

  private CompletionStage<HttpResponse> export(
      AccountSummary account, String id, Materializer materializer) {
    return accounts
        .requireSegment(account, id)
        .thenApply(
            segment -> {
              var filter = filterOf(segment);
              return csvResponse(
                  id,
                  SubscriberExport.csv(
                      (limit, after) -> directory.matching(account.id(), filter, limit, after),
                      materializer));
            });
  }

  /** A chunked CSV download. */
  static HttpResponse csvResponse(
      String name,
      org.apache.pekko.stream.javadsl.Source<org.apache.pekko.util.ByteString, ?> body) {
    return HttpResponse.create()
        .withStatus(StatusCodes.OK)
        .addHeader(
            RawHeader.create("Content-Disposition", "attachment; filename=\"" + name + ".csv\""))
        .withEntity(HttpEntities.createChunked(ContentTypes.TEXT_CSV_UTF8, body));
  }

  /** A stored filter: it was checked when saved, and lists are never deleted. */
  private SegmentFilter filterOf(Segment segment) {
    try {
      return SegmentFilters.parse(mapper.readTree(segment.filter()), l -> true, Instant.now());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored segment filter is not JSON", e);
    }
  }

  private Map<String, Object> view(Segment segment) {
    var view = new LinkedHashMap<String, Object>();
    view.put("id", segment.id());
    view.put("name", segment.name());
    try {
      view.put("filter", mapper.readTree(segment.filter()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored segment filter is not JSON", e);
    }
    view.put("createdAt", segment.createdAt());
    view.put("updatedAt", segment.updatedAt());
    return view;
  }

  private String text(JsonNode filter) {
    try {
      return mapper.writeValueAsString(filter);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a filter cannot be written as JSON", e);
    }
  }
}
