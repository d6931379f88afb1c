package io.herald.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.gateway.Views.SubscriberView;
import io.herald.protocol.AccountProtocol.AccountSummary;
import io.herald.protocol.EmailAddress;
import io.herald.protocol.SubscriberKeys;
import io.herald.protocol.SubscriberProtocol;
import io.herald.protocol.SubscriberProtocol.Erased;
import io.herald.protocol.SubscriberProtocol.Found;
import io.herald.protocol.SubscriberProtocol.Membership;
import io.herald.protocol.SubscriberProtocol.MembershipStatus;
import io.herald.protocol.SubscriberProtocol.Reply;
import io.herald.protocol.SubscriberProtocol.Subscriber;
import io.herald.protocol.SubscriberProtocol.SubscriberInput;
import io.herald.protocol.SubscriberProtocol.Upserted;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code /api/v1/subscribers}: creating, reading and erasing subscribers. */
public final class SubscriberRoutes extends RouteSupport {

  private static final Set<String> UPSERT_FIELDS = Set.of("email", "name", "attributes", "lists");
  private static final Pattern ATTRIBUTE_KEY = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /** Most lists one request may name. */
  public static final int MAX_LISTS_PER_REQUEST = 100;

  private final Accounts accounts;
  private final ClusterSharding sharding;
  private final ConsentPorts.Confirmations confirmations;

  /** Routes over the given accounts and sharded partitions, sending confirmation letters. */
  public SubscriberRoutes(
      ObjectMapper mapper,
      Responses responses,
      GatewaySettings settings,
      Accounts accounts,
      ClusterSharding sharding,
      ConsentPorts.Confirmations confirmations) {
    super(mapper, responses, settings);
    this.accounts = accounts;
    this.sharding = sharding;
    this.confirmations = confirmations;
  }

  /** The routes for one authenticated account. */
  public Route routes(AccountSummary account) {
    return pathPrefix(
        "subscribers",
        () ->
            concat(
                pathEndOrSingleSlash(
                    () -> post(() -> jsonBody(UPSERT_FIELDS, b -> upsert(account, b)))),
                path(
                    PathMatchers.segment(),
                    id ->
                        concat(
                            get(() -> respond(() -> read(account, id))),
                            delete(() -> respond(() -> erase(account, id)))))));
  }

  private CompletionStage<HttpResponse> upsert(AccountSummary account, JsonBody body) {
    String rawEmail = body.requiredString("email");
    String problem = EmailAddress.problem(rawEmail);
    if (problem != null) {
      throw ApiError.unprocessable("invalid_email", "field 'email' is not usable: " + problem);
    }
    EmailAddress email = EmailAddress.parse(rawEmail).orElseThrow();
    String name = body.optionalString("name").map(n -> validName("name", n)).orElse(null);
    ObjectNode attributes = body.optionalObject("attributes").orElse(null);
    if (attributes != null) {
      checkAttributes(attributes);
    }
    List<String> lists = new ArrayList<>(new LinkedHashSet<>(body.stringList("lists")));
    if (lists.size() > MAX_LISTS_PER_REQUEST) {
      throw ApiError.unprocessable(
          "too_many_lists", "at most " + MAX_LISTS_PER_REQUEST + " lists per request");
    }
    return requireLists(account, lists)
        .thenCompose(
            fresh -> {
              // Double opt-in lists are joined as unconfirmed until the person follows the link.
              List<String> direct = new ArrayList<>();
              List<String> unconfirmed = new ArrayList<>();
              for (String listId : lists) {
                (doubleOptIn(fresh, listId) ? unconfirmed : direct).add(listId);
              }
              var input =
                  new SubscriberInput(
                      email.value(),
                      name,
                      attributes,
                      List.copyOf(direct),
                      List.copyOf(unconfirmed));
              return ask(
                      fresh,
                      SubscriberKeys.subscriberId(fresh.id(), email),
                      replyTo -> new SubscriberProtocol.Upsert(input, replyTo))
                  .thenApply(
                      reply -> {
                        Upserted upserted = (Upserted) reply;
                        requestConfirmations(fresh, unconfirmed, upserted.subscriber());
                        return responses.json(
                            upserted.created() ? StatusCodes.CREATED : StatusCodes.OK,
                            SubscriberView.of(upserted.subscriber()));
                      });
            });
  }

  private static boolean doubleOptIn(AccountSummary account, String listId) {
    return account.lists().stream().anyMatch(l -> l.id().equals(listId) && l.doubleOptIn());
  }

  /**
   * Sends one confirmation letter per membership this upsert made unconfirmed. A membership is new
   * when it started with this change (the partition stamps both with the same instant); a repeated
   * sign-up while unconfirmed finds the older membership and sends nothing. A suppressed person
   * gets no letter at all.
   */
  private void requestConfirmations(
      AccountSummary account, List<String> unconfirmed, Subscriber subscriber) {
    if (unconfirmed.isEmpty() || subscriber.suppressed()) {
      return;
    }
    for (Membership membership : subscriber.lists()) {
      if (membership.status() == MembershipStatus.UNCONFIRMED
          && unconfirmed.contains(membership.listId())
          && membership.since().equals(subscriber.updatedAt())) {
        account.lists().stream()
            .filter(l -> l.id().equals(membership.listId()))
            .findFirst()
            .ifPresent(list -> confirmations.requestConfirmation(account, list, subscriber));
      }
    }
  }

  private CompletionStage<AccountSummary> requireLists(AccountSummary account, List<String> lists) {
    CompletionStage<AccountSummary> checked = CompletableFuture.completedFuture(account);
    for (String listId : lists) {
      checked =
          checked.thenCompose(
              acc ->
                  accounts
                      .requireList(acc, listId)
                      .exceptionally(
                          failure -> {
                            if (Responses.unwrap(failure) instanceof ApiError e
                                && e.status().intValue() == 404) {
                              throw ApiError.unprocessable(
                                  "unknown_list",
                                  "list " + listId + " does not exist in this account");
                            }
                            throw new java.util.concurrent.CompletionException(failure);
                          }));
    }
    return checked;
  }

  private CompletionStage<HttpResponse> read(AccountSummary account, String id) {
    return ask(account, id, replyTo -> new SubscriberProtocol.Get(id, replyTo))
        .thenApply(
            reply -> {
              if (reply instanceof Found found) {
                return responses.json(StatusCodes.OK, SubscriberView.of(found.subscriber()));
              }
              throw ApiError.notFound("subscriber " + id);
            });
  }

  private CompletionStage<HttpResponse> erase(AccountSummary account, String id) {
    return ask(account, id, replyTo -> new SubscriberProtocol.Erase(id, replyTo))
        .thenApply(
            reply -> {
              if (reply instanceof Erased) {
                return HttpResponse.create().withStatus(StatusCodes.NO_CONTENT);
              }
              throw ApiError.notFound("subscriber " + id);
            });
  }

  /** Asks the partition that holds the id; an id that cannot be one answers 404. */
  private CompletionStage<Reply> ask(
      AccountSummary account,
      String subscriberId,
      Function<ActorRef<Reply>, SubscriberProtocol.Command> command) {
    var partition = SubscriberKeys.partitionOf(subscriberId, account.partitions());
    if (partition.isEmpty()) {
      return CompletableFuture.failedFuture(ApiError.notFound("subscriber " + subscriberId));
    }
    return sharding
        .entityRefFor(
            SubscriberProtocol.TYPE_KEY, SubscriberKeys.entityId(account.id(), partition.get()))
        .ask(command::apply, settings.askTimeout());
  }

  private void checkAttributes(JsonNode attributes) {
    for (Iterator<String> keys = attributes.fieldNames(); keys.hasNext(); ) {
      String key = keys.next();
      if (!ATTRIBUTE_KEY.matcher(key).matches()) {
        throw ApiError.unprocessable(
            "invalid_attributes",
            "attribute name '" + abbreviate(key) + "' must be 1 to 64 letters, digits, '_' or '-'");
      }
    }
    int depth = depth(attributes);
    if (depth > settings.maxAttributeDepth()) {
      throw ApiError.unprocessable(
          "invalid_attributes",
          "attributes are nested "
              + depth
              + " levels deep; at most "
              + settings.maxAttributeDepth());
    }
    int size;
    try {
      size = mapper.writeValueAsBytes(attributes).length;
    } catch (JsonProcessingException e) {
      throw ApiError.unprocessable("invalid_attributes", "attributes cannot be stored as JSON");
    }
    if (size > settings.maxAttributesBytes()) {
      throw ApiError.unprocessable(
          "invalid_attributes",
          "attributes take " + size + " bytes as JSON; at most " + settings.maxAttributesBytes());
    }
  }

  private static int depth(JsonNode node) {
    if (!node.isContainerNode()) {
      return 0;
    }
    int deepest = 0;
    for (JsonNode child : node) {
      deepest = Math.max(deepest, depth(child));
    }
    return deepest + 1;
  }

  private static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }
}
