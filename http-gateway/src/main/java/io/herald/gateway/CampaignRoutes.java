package io.herald.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.gateway.CampaignPorts.ContentCheck;
import io.herald.gateway.CampaignPorts.EngagementCounts;
import io.herald.gateway.CampaignPorts.Proofs;
import io.herald.protocol.AccountProtocol.AccountSummary;
import io.herald.protocol.AccountProtocol.Segment;
import io.herald.protocol.CampaignProtocol;
import io.herald.protocol.CampaignProtocol.CampaignSummary;
import io.herald.protocol.CampaignProtocol.Content;
import io.herald.protocol.CampaignProtocol.Refused;
import io.herald.protocol.CampaignProtocol.Reply;
import io.herald.protocol.CampaignProtocol.Summary;
import io.herald.protocol.EmailAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code /api/v1/campaigns}: writing, sending and following campaigns. */
public final class CampaignRoutes extends RouteSupport {

  private static final Set<String> CONTENT_FIELDS =
      Set.of(
          "name",
          "subject",
          "fromName",
          "fromEmail",
          "replyTo",
          "html",
          "text",
          "lists",
          "segments");
  private static final Set<String> PROOF_FIELDS = Set.of("emails");

  /** Most addresses one proof request may name. */
  public static final int MAX_PROOF_ADDRESSES = 20;

  private final Accounts accounts;
  private final ClusterSharding sharding;
  private final ContentCheck contentCheck;
  private final Proofs proofs;
  private final EngagementCounts engagement;

  /** Routes over campaign entities and the node's ports. */
  public CampaignRoutes(
      ObjectMapper mapper,
      Responses responses,
      GatewaySettings settings,
      Accounts accounts,
      ClusterSharding sharding,
      ContentCheck contentCheck,
      Proofs proofs,
      EngagementCounts engagement) {
    super(mapper, responses, settings);
    this.accounts = accounts;
    this.sharding = sharding;
    this.contentCheck = contentCheck;
    this.proofs = proofs;
    this.engagement = engagement;
  }

  /** The routes for one authenticated account. */
  public Route routes(AccountSummary account) {
    return pathPrefix(
        "campaigns",
        () ->
            concat(
                pathEndOrSingleSlash(
                    () -> post(() -> jsonBody(CONTENT_FIELDS, body -> create(account, body)))),
                pathPrefix(
                    PathMatchers.segment(),
                    id ->
                        concat(
                            pathEndOrSingleSlash(
                                () ->
                                    concat(
                                        get(() -> respond(() -> read(account, id))),
                                        put(
                                            () ->
                                                jsonBody(
                                                    CONTENT_FIELDS,
                                                    body -> update(account, id, body))))),
                            path("send", () -> post(() -> respond(() -> send(account, id)))),
                            action(
                                "pause", account, id, CampaignProtocol.Pause::new, StatusCodes.OK),
                            action(
                                "resume",
                                account,
                                id,
                                CampaignProtocol.Resume::new,
                                StatusCodes.ACCEPTED),
                            action(
                                "cancel",
                                account,
                                id,
                                CampaignProtocol.Cancel::new,
                                StatusCodes.OK),
                            path(
                                "test",
                                () ->
                                    post(
                                        () ->
                                            jsonBody(
                                                PROOF_FIELDS,
                                                body -> proof(account, id, body))))))));
  }

  private Route action(
      String name,
      AccountSummary account,
      String id,
      Function<ActorRef<Reply>, CampaignProtocol.Command> command,
      StatusCode success) {
    return path(
        name,
        () ->
            post(
                () ->
                    respond(
                        () ->
                            ask(account, id, command)
                                .thenCompose(summary -> withEngagement(account, summary))
                                .thenApply(view -> responses.json(success, view)))));
  }

  private CompletionStage<HttpResponse> create(AccountSummary account, JsonBody body) {
    Content content = contentOf(body);
    String id = Secrets.newId("cmp");
    return requireLists(account, content.lists())
        .thenCompose(acc -> requireSegments(acc, content.segments()))
        .thenCompose(acc -> ask(acc, id, replyTo -> new CampaignProtocol.Create(content, replyTo)))
        .thenCompose(summary -> withEngagement(account, summary))
        .thenApply(view -> responses.json(StatusCodes.CREATED, view));
  }

  private CompletionStage<HttpResponse> update(AccountSummary account, String id, JsonBody body) {
    Content content = contentOf(body);
    return requireLists(account, content.lists())
        .thenCompose(acc -> requireSegments(acc, content.segments()))
        .thenCompose(acc -> ask(acc, id, replyTo -> new CampaignProtocol.Update(content, replyTo)))
        .thenCompose(summary -> withEngagement(account, summary))
        .thenApply(view -> responses.json(StatusCodes.OK, view));
  }

  /**
   * Sends a draft with its segments' filters as the account holds them now, each relative {@code
   * within} turned into an absolute moment: the campaign keeps exactly this question.
   */
  private CompletionStage<HttpResponse> send(AccountSummary account, String id) {
    return ask(account, id, CampaignProtocol.Get::new)
        .thenCompose(
            draft ->
                accounts
                    .refresh(account.id())
                    .thenCompose(
                        fresh -> {
                          Instant now = Instant.now();
                          var filters = new LinkedHashMap<String, String>();
                          for (String segmentId : draft.content().segments()) {
                            Segment segment =
                                fresh
                                    .segment(segmentId)
                                    .orElseThrow(
                                        () ->
                                            ApiError.unprocessable(
                                                "unknown_segment",
                                                "segment "
                                                    + segmentId
                                                    + " of this campaign no longer exists"));
                            filters.put(segmentId, frozen(segment.filter(), now));
                          }
                          return ask(
                              fresh,
                              id,
                              replyTo -> new CampaignProtocol.Send(Map.copyOf(filters), replyTo));
                        }))
        .thenCompose(summary -> withEngagement(account, summary))
        .thenApply(view -> responses.json(StatusCodes.ACCEPTED, view));
  }

  private String frozen(String filter, Instant now) {
    try {
      return mapper.writeValueAsString(SegmentFilters.freeze(mapper.readTree(filter), now));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a stored segment filter is not JSON", e);
    }
  }

  private CompletionStage<AccountSummary> requireSegments(
      AccountSummary account, List<String> segments) {
    if (segments.stream().allMatch(g -> account.segment(g).isPresent())) {
      return CompletableFuture.completedFuture(account);
    }
    return accounts
        .refresh(account.id())
        .thenApply(
            fresh -> {
              for (String segmentId : segments) {
                if (fresh.segment(segmentId).isEmpty()) {
                  throw ApiError.unprocessable(
                      "unknown_segment",
                      "segment " + segmentId + " does not exist in this account");
                }
              }
              return fresh;
            });
  }

  private CompletionStage<HttpResponse> read(AccountSummary account, String id) {
    return ask(account, id, CampaignProtocol.Get::new)
        .thenCompose(summary -> withEngagement(account, summary))
        .thenApply(view -> responses.json(StatusCodes.OK, view));
  }

  private CompletionStage<HttpResponse> proof(AccountSummary account, String id, JsonBody body) {
    List<String> raw = body.stringList("emails");
    if (raw.isEmpty()) {
      throw ApiError.unprocessable("missing_field", "field 'emails' needs at least one address");
    }
    if (raw.size() > MAX_PROOF_ADDRESSES) {
      throw ApiError.unprocessable(
          "too_many_addresses", "at most " + MAX_PROOF_ADDRESSES + " proof addresses per request");
    }
    var addresses = new ArrayList<EmailAddress>();
    for (int i = 0; i < raw.size(); i++) {
      String problem = EmailAddress.problem(raw.get(i));
      if (problem != null) {
        throw ApiError.unprocessable(
            "invalid_email", "emails[" + i + "] is not usable: " + problem);
      }
      addresses.add(EmailAddress.parse(raw.get(i)).orElseThrow());
    }
    return ask(account, id, CampaignProtocol.Get::new)
        .thenCompose(summary -> proofs.send(account.id(), id, addresses))
        .thenApply(results -> responses.json(StatusCodes.OK, Map.of("results", results)));
  }

  private Content contentOf(JsonBody body) {
    String name = validName("name", body.requiredString("name"));
    String subject = body.requiredString("subject");
    String fromName = body.optionalString("fromName").orElse("");
    String fromEmail = body.requiredString("fromEmail");
    String replyTo = body.optionalString("replyTo").orElse(null);
    String html = body.requiredString("html");
    String text = body.optionalString("text").orElse(null);
    List<String> lists = new ArrayList<>(new LinkedHashSet<>(body.stringList("lists")));
    List<String> segments = new ArrayList<>(new LinkedHashSet<>(body.stringList("segments")));
    if (lists.isEmpty() && segments.isEmpty()) {
      throw ApiError.unprocessable(
          "missing_field", "fields 'lists' and 'segments' need at least one id between them");
    }
    Content content =
        new Content(
            name,
            subject,
            fromName,
            fromEmail,
            replyTo,
            html,
            text,
            List.copyOf(lists),
            List.copyOf(segments),
            List.of());
    contentCheck.check(content);
    return content;
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
                            throw new CompletionException(failure);
                          }));
    }
    return checked;
  }

  private CompletionStage<CampaignSummary> ask(
      AccountSummary account,
      String campaignId,
      Function<ActorRef<Reply>, CampaignProtocol.Command> command) {
    if (!campaignId.matches("cmp_[a-z2-7]{16}")) {
      return CompletableFuture.failedFuture(ApiError.notFound("campaign " + campaignId));
    }
    return sharding
        .entityRefFor(
            CampaignProtocol.TYPE_KEY, CampaignProtocol.entityId(account.id(), campaignId))
        .ask(command::apply, settings.askTimeout())
        .thenApply(
            reply -> {
              if (reply instanceof Summary summary) {
                return summary.campaign();
              }
              if (reply instanceof Refused refused) {
                throw ApiError.conflict(refused.code(), refused.message());
              }
              throw ApiError.notFound("campaign " + campaignId);
            });
  }

  private CompletionStage<Map<String, Object>> withEngagement(
      AccountSummary account, CampaignSummary campaign) {
    return engagement
        .of(account.id(), campaign.id())
        .thenApply(
            counts -> {
              var stats = new LinkedHashMap<String, Object>();
              stats.put("recipients", campaign.recipients());
              stats.put("sent", campaign.sent());
              stats.put("failed", campaign.failed());
              stats.put("opened", counts.opened());
              stats.put("clicked", counts.clicked());
              stats.put("unsubscribed", counts.unsubscribed());
              var c = campaign.content();
              var view = new LinkedHashMap<String, Object>();
              view.put("id", campaign.id());
              view.put("name", campaign.name());
              view.put("status", campaign.status().name().toLowerCase(Locale.ROOT));
              view.put("subject", c.subject());
              view.put("fromName", c.fromName());
              view.put("fromEmail", c.fromEmail());
              view.put("replyTo", c.replyTo());
              view.put("html", c.html());
              view.put("text", c.text());
              view.put("lists", c.lists());
              view.put("segments", c.segments());
              view.put("stats", stats);
              view.put(
                  "batches",
                  Map.of("total", campaign.batches(), "finished", campaign.batchesFinished()));
              view.put("createdAt", campaign.createdAt());
              view.put("updatedAt", campaign.updatedAt());
              view.put("startedAt", campaign.startedAt());
              view.put("finishedAt", campaign.finishedAt());
              return view;
            });
  }
}
