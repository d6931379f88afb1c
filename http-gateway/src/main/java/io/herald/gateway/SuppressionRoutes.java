package io.herald.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.gateway.SubscriberDirectory.Position;
import io.herald.gateway.SubscriberDirectory.Suppression;
import io.herald.gateway.Views.Page;
import io.herald.gateway.Views.SuppressionView;
import io.herald.protocol.AccountProtocol.AccountSummary;
import io.herald.protocol.EmailAddress;
import io.herald.protocol.SubscriberKeys;
import io.herald.protocol.SubscriberProtocol;
import io.herald.protocol.SubscriberProtocol.Found;
import io.herald.protocol.SubscriberProtocol.Reply;
import io.herald.protocol.SubscriberProtocol.Subscriber;
import io.herald.protocol.SubscriberProtocol.SubscriberStatus;
import io.herald.protocol.SubscriberProtocol.Upserted;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /api/v1/suppressions}: the account's suppression list, every address that nothing may be
 * sent to, whichever list or segment names it. An entry is a subscriber whose global status is not
 * active; its reason is that status. Adding and lifting go to the person's partition, which also
 * answers reads of one address (read-your-writes); the whole list is paged from the read model.
 */
public final class SuppressionRoutes extends RouteSupport {

  /** Most addresses one request may suppress. */
  public static final int MAX_EMAILS_PER_REQUEST = 1000;

  private static final Set<String> ADD_FIELDS = Set.of("email", "emails", "reason");

  private static final List<SubscriberStatus> REASONS =
      Arrays.stream(SubscriberStatus.values()).filter(s -> s != SubscriberStatus.ACTIVE).toList();

  private static final String REASON_WORDS =
      String.join(", ", REASONS.stream().map(SuppressionRoutes::word).toList());

  private final SubscriberDirectory directory;
  private final ClusterSharding sharding;

  /** Routes over the read model and the sharded partitions. */
  public SuppressionRoutes(
      ObjectMapper mapper,
      Responses responses,
      GatewaySettings settings,
      SubscriberDirectory directory,
      ClusterSharding sharding) {
    super(mapper, responses, settings);
    this.directory = directory;
    this.sharding = sharding;
  }

  /** The routes for one authenticated account. */
  public Route routes(AccountSummary account) {
    return pathPrefix(
        "suppressions",
        () ->
            concat(
                pathEndOrSingleSlash(
                    () ->
                        concat(
                            get(() -> listParameters(account)),
                            post(() -> jsonBody(ADD_FIELDS, body -> add(account, body))))),
                path(
                    PathMatchers.segment(),
                    email ->
                        concat(
                            get(() -> respond(() -> one(account, email))),
                            delete(() -> respond(() -> lift(account, email)))))));
  }

  private Route listParameters(AccountSummary account) {
    return parameterOptional(
        "limit",
        limit ->
            parameterOptional(
                "cursor",
                cursor ->
                    parameterOptional(
                        "reason", reason -> respond(() -> list(account, limit, cursor, reason)))));
  }

  private CompletionStage<HttpResponse> list(
      AccountSummary account,
      Optional<String> limitParam,
      Optional<String> cursor,
      Optional<String> reasonParam) {
    int limit = ListRoutes.parseLimit(limitParam);
    List<SubscriberStatus> reasons =
        reasonParam.filter(r -> !r.isEmpty()).map(r -> List.of(reason(r))).orElse(REASONS);
    Optional<Position> after = cursor.filter(c -> !c.isEmpty()).map(SuppressionRoutes::decode);
    return directory
        .suppressions(account.id(), reasons, limit, after)
        .thenApply(
            page -> {
              List<Suppression> items = page.items();
              String next =
                  page.hasMore() && !items.isEmpty() ? encode(items.get(items.size() - 1)) : null;
              return responses.json(
                  StatusCodes.OK,
                  new Page<>(
                      items.stream()
                          .map(
                              s ->
                                  new SuppressionView(
                                      s.email(), word(s.reason()), s.since(), s.subscriberId()))
                          .toList(),
                      next));
            });
  }

  private CompletionStage<HttpResponse> one(AccountSummary account, String rawEmail) {
    EmailAddress email = address("the address in the path", rawEmail);
    return current(account, email)
        .thenApply(
            found -> {
              if (found.isEmpty() || !found.get().suppressed()) {
                throw ApiError.notFound("suppression of " + email.value());
              }
              return responses.json(StatusCodes.OK, SuppressionView.of(found.get()));
            });
  }

  private CompletionStage<HttpResponse> add(AccountSummary account, JsonBody body) {
    SubscriberStatus reason =
        body.optionalString("reason")
            .map(SuppressionRoutes::reason)
            .orElse(SubscriberStatus.BLOCKLISTED);
    boolean one = body.node("email") != null && !body.node("email").isNull();
    List<String> many = body.stringList("emails");
    if (one == (body.node("emails") != null && !body.node("emails").isNull())) {
      throw ApiError.unprocessable(
          "missing_field", "give either field 'email' or field 'emails', not both or neither");
    }
    if (one) {
      EmailAddress email = address("field 'email'", body.requiredString("email"));
      return suppress(account, email, reason)
          .thenApply(
              added ->
                  responses.json(
                      added.created() ? StatusCodes.CREATED : StatusCodes.OK,
                      SuppressionView.of(added.subscriber())));
    }
    if (many.isEmpty()) {
      throw ApiError.unprocessable("missing_field", "field 'emails' needs at least one address");
    }
    if (many.size() > MAX_EMAILS_PER_REQUEST) {
      throw ApiError.unprocessable(
          "too_many_addresses",
          "at most " + MAX_EMAILS_PER_REQUEST + " addresses per request, not " + many.size());
    }
    // Every address is checked before any is suppressed: a bad one changes nothing.
    Map<String, EmailAddress> addresses = new LinkedHashMap<>();
    for (int i = 0; i < many.size(); i++) {
      EmailAddress email = address("emails[" + i + "]", many.get(i));
      addresses.putIfAbsent(email.value(), email);
    }
    var results = new ArrayList<CompletableFuture<Added>>();
    for (EmailAddress email : addresses.values()) {
      results.add(suppress(account, email, reason).toCompletableFuture());
    }
    return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              List<Added> all = results.stream().map(CompletableFuture::join).toList();
              long added = all.stream().filter(Added::created).count();
              var reply = new LinkedHashMap<String, Object>();
              reply.put("added", added);
              reply.put("alreadySuppressed", all.size() - added);
              reply.put(
                  "items", all.stream().map(a -> SuppressionView.of(a.subscriber())).toList());
              return responses.json(StatusCodes.OK, reply);
            });
  }

  /** An address put on the list; {@code created} is false when it was on it already. */
  private record Added(Subscriber subscriber, boolean created) {}

  /**
   * Suppresses the address unless it is suppressed already: an existing entry keeps its reason and
   * time, so a repeated request loses nothing (lift it first to change the reason).
   */
  private CompletionStage<Added> suppress(
      AccountSummary account, EmailAddress email, SubscriberStatus reason) {
    return current(account, email)
        .thenCompose(
            found -> {
              if (found.isPresent() && found.get().suppressed()) {
                return CompletableFuture.completedFuture(new Added(found.get(), false));
              }
              return ask(
                      account,
                      email,
                      replyTo -> new SubscriberProtocol.SetStatus(email.value(), reason, replyTo))
                  .thenApply(reply -> new Added(((Upserted) reply).subscriber(), true));
            });
  }

  private CompletionStage<HttpResponse> lift(AccountSummary account, String rawEmail) {
    EmailAddress email = address("the address in the path", rawEmail);
    return current(account, email)
        .thenCompose(
            found -> {
              if (found.isEmpty() || !found.get().suppressed()) {
                throw ApiError.notFound("suppression of " + email.value());
              }
              return ask(
                  account,
                  email,
                  replyTo ->
                      new SubscriberProtocol.SetStatus(
                          email.value(), SubscriberStatus.ACTIVE, replyTo));
            })
        .thenApply(
            reply -> {
              if (!(reply instanceof Upserted)) {
                throw ApiError.notFound("suppression of " + email.value());
              }
              return HttpResponse.create().withStatus(StatusCodes.NO_CONTENT);
            });
  }

  /** The subscriber with this address as the partition holds it now, if any. */
  private CompletionStage<Optional<Subscriber>> current(
      AccountSummary account, EmailAddress email) {
    String id = SubscriberKeys.subscriberId(account.id(), email);
    return ask(account, email, replyTo -> new SubscriberProtocol.Get(id, replyTo))
        .thenApply(
            reply ->
                reply instanceof Found found
                    ? Optional.of(found.subscriber())
                    : Optional.<Subscriber>empty());
  }

  private CompletionStage<Reply> ask(
      AccountSummary account,
      EmailAddress email,
      Function<ActorRef<Reply>, SubscriberProtocol.Command> command) {
    String id = SubscriberKeys.subscriberId(account.id(), email);
    int partition = SubscriberKeys.partitionOf(id, account.partitions()).orElseThrow();
    return sharding
        .entityRefFor(SubscriberProtocol.TYPE_KEY, SubscriberKeys.entityId(account.id(), partition))
        .ask(command::apply, settings.askTimeout());
  }

  private static EmailAddress address(String where, String raw) {
    String problem = EmailAddress.problem(raw);
    if (problem != null) {
      throw ApiError.unprocessable("invalid_email", where + " is not usable: " + problem);
    }
    return EmailAddress.parse(raw).orElseThrow();
  }

  /** The status a reason word names. */
  static SubscriberStatus reason(String word) {
    for (SubscriberStatus status : REASONS) {
      if (word(status).equals(word)) {
        return status;
      }
    }
    throw ApiError.unprocessable(
        "invalid_reason", "reason '" + abbreviate(word) + "' is not one of " + REASON_WORDS);
  }

  /** How the API writes a status: in lower case. */
  static String word(SubscriberStatus status) {
    return status.name().toLowerCase(Locale.ROOT);
  }

  private static String encode(Suppression last) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(
            ("r:" + last.reason().name() + ":" + last.subscriberId())
                .getBytes(StandardCharsets.UTF_8));
  }

  private static Position decode(String cursor) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      String[] parts = text.split(":", -1);
      if (parts.length == 3 && parts[0].equals("r") && !parts[2].isEmpty() && text.length() < 100) {
        SubscriberStatus reason = SubscriberStatus.valueOf(parts[1]);
        if (reason != SubscriberStatus.ACTIVE) {
          return new Position(reason, parts[2]);
        }
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw ApiError.badRequest("invalid_cursor", "cursor is not one this API returned");
  }

  private static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }
}
