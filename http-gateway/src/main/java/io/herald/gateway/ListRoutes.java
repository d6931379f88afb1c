package io.herald.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.gateway.Views.Items;
import io.herald.gateway.Views.ListView;
import io.herald.gateway.Views.Page;
import io.herald.gateway.Views.SubscriberView;
import io.herald.protocol.AccountProtocol.AccountSummary;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code /api/v1/lists}: an account's mailing lists and their members. */
public final class ListRoutes extends RouteSupport {

  /** Page size when the client gives none. */
  public static final int DEFAULT_LIMIT = 100;

  /** Largest page a client may ask for. */
  public static final int MAX_LIMIT = 1000;

  private static final Set<String> CREATE_FIELDS = Set.of("name", "doubleOptIn");

  private final Accounts accounts;
  private final SubscriberDirectory directory;

  /** Routes over the given accounts and read model. */
  public ListRoutes(
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
        "lists",
        () ->
            concat(
                pathEndOrSingleSlash(
                    () ->
                        concat(
                            post(() -> create(account)), get(() -> respond(() -> list(account))))),
                pathPrefix(
                    PathMatchers.segment(),
                    listId ->
                        concat(
                            pathEndOrSingleSlash(
                                () -> get(() -> respond(() -> one(account, listId)))),
                            path(
                                "export",
                                () ->
                                    get(
                                        () ->
                                            extractMaterializer(
                                                m -> respond(() -> export(account, listId, m))))),
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
                                                            respond(
                                                                () ->
                                                                    members(
                                                                        account, listId, limit,
                                                                        cursor))))))))));
  }

  private Route create(AccountSummary account) {
    return jsonBody(
        CREATE_FIELDS,
        body -> {
          String name = validName("name", body.requiredString("name"));
          boolean doubleOptIn = body.optionalBoolean("doubleOptIn").orElse(false);
          return accounts
              .createList(account, name, doubleOptIn)
              .thenApply(list -> responses.json(StatusCodes.CREATED, ListView.of(list)));
        });
  }

  private CompletionStage<HttpResponse> list(AccountSummary account) {
    return accounts
        .refresh(account.id())
        .thenApply(
            fresh ->
                responses.json(
                    StatusCodes.OK,
                    new Items<>(fresh.lists().stream().map(ListView::of).toList())));
  }

  private CompletionStage<HttpResponse> one(AccountSummary account, String listId) {
    return accounts
        .requireList(account, listId)
        .thenApply(
            fresh ->
                responses.json(
                    StatusCodes.OK,
                    fresh.lists().stream()
                        .filter(l -> l.id().equals(listId))
                        .findFirst()
                        .map(ListView::of)
                        .orElseThrow()));
  }

  private CompletionStage<HttpResponse> members(
      AccountSummary account, String listId, Optional<String> limitParam, Optional<String> cursor) {
    int limit = parseLimit(limitParam);
    Optional<String> after = cursor.filter(c -> !c.isEmpty()).map(ListRoutes::decodeCursor);
    return accounts
        .requireList(account, listId)
        .thenCompose(fresh -> directory.listMembers(account.id(), listId, limit, after))
        .thenApply(
            page -> {
              var items = page.items().stream().map(SubscriberView::of).toList();
              String next =
                  page.hasMore() && !items.isEmpty()
                      ? encodeCursor(items.get(items.size() - 1).id())
                      : null;
              return responses.json(StatusCodes.OK, new Page<>(items, next));
            });
  }

  private CompletionStage<HttpResponse> export(
      AccountSummary account, String listId, org.apache.pekko.stream.Materializer materializer) {
    return accounts
        .requireList(account, listId)
        .thenApply(
            fresh ->
                SegmentRoutes.csvResponse(
                    listId,
                    SubscriberExport.csv(
                        (limit, after) -> directory.listMembers(account.id(), listId, limit, after),
                        materializer)));
  }

  static int parseLimit(Optional<String> raw) {
    if (raw.isEmpty()) {
      return DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(raw.get());
      if (limit >= 1 && limit <= MAX_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ApiError.badRequest(
        "invalid_limit", "limit must be a whole number from 1 to " + MAX_LIMIT);
  }

  static String encodeCursor(String lastId) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(("s:" + lastId).getBytes(StandardCharsets.UTF_8));
  }

  static String decodeCursor(String cursor) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (text.startsWith("s:") && text.length() > 2 && text.length() < 100) {
        return text.substring(2);
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw ApiError.badRequest("invalid_cursor", "cursor is not one this API returned");
  }
}
