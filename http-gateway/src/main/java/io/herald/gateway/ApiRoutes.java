package io.herald.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.protocol.AccountProtocol.AccountSummary;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The whole HTTP API: {@code /api/v1/...} behind bearer authentication, with every rejection and
 * failure answered as a JSON error body.
 */
public final class ApiRoutes extends AllDirectives {

  private final GatewaySettings settings;
  private final Responses responses;
  private final Accounts accounts;
  private final AccountRoutes accountRoutes;
  private final ListRoutes listRoutes;
  private final SegmentRoutes segmentRoutes;
  private final SubscriberRoutes subscriberRoutes;
  private final CampaignRoutes campaignRoutes;
  private final RecipientRoutes recipientRoutes;
  private final SuppressionRoutes suppressionRoutes;
  private final ConfirmationRoutes confirmationRoutes;
  private final ImportRoutes importRoutes;

  /** What the node supplies to the gateway. */
  public record Ports(
      SubscriberDirectory directory,
      CampaignPorts.ContentCheck contentCheck,
      CampaignPorts.Proofs proofs,
      CampaignPorts.EngagementCounts engagement,
      CampaignPorts.RecipientRequests recipients,
      ConsentPorts.Confirmations confirmations,
      ImportPorts imports) {}

  /** The API over the cluster's entities and the node's ports. */
  public ApiRoutes(GatewaySettings settings, ClusterSharding sharding, Ports ports) {
    ObjectMapper mapper = JsonBody.newMapper();
    this.settings = settings;
    this.responses = new Responses(mapper);
    this.accounts = new Accounts(sharding, settings.askTimeout());
    this.accountRoutes = new AccountRoutes(mapper, responses, settings, accounts);
    this.listRoutes = new ListRoutes(mapper, responses, settings, accounts, ports.directory());
    this.segmentRoutes =
        new SegmentRoutes(mapper, responses, settings, accounts, ports.directory());
    this.subscriberRoutes =
        new SubscriberRoutes(
            mapper, responses, settings, accounts, sharding, ports.confirmations());
    this.suppressionRoutes =
        new SuppressionRoutes(mapper, responses, settings, ports.directory(), sharding);
    this.campaignRoutes =
        new CampaignRoutes(
            mapper,
            responses,
            settings,
            accounts,
            sharding,
            ports.contentCheck(),
            ports.proofs(),
            ports.engagement());
    this.recipientRoutes = new RecipientRoutes(ports.recipients(), responses);
    this.confirmationRoutes = new ConfirmationRoutes(ports.confirmations(), responses);
    this.importRoutes = new ImportRoutes(mapper, responses, settings, accounts, ports.imports());
  }

  /** The routes, sealed: nothing leaves them without a JSON body. */
  public Route routes() {
    return handleExceptions(
        org.apache.pekko.http.javadsl.server.ExceptionHandler.newBuilder()
            .matchAny(e -> complete(responses.failure(e)))
            .build(),
        () ->
            handleRejections(
                rejectionHandler(),
                () ->
                    concat(
                        recipientRoutes.routes(),
                        confirmationRoutes.routes(),
                        pathPrefix(
                            "api",
                            () ->
                                pathPrefix(
                                    "v1",
                                    () ->
                                        bearerToken(
                                            token ->
                                                concat(
                                                    operator(token, accountRoutes::routes),
                                                    account(
                                                        token,
                                                        acc ->
                                                            concat(
                                                                listRoutes.routes(acc),
                                                                segmentRoutes.routes(acc),
                                                                subscriberRoutes.routes(acc),
                                                                suppressionRoutes.routes(acc),
                                                                importRoutes.routes(acc),
                                                                campaignRoutes.routes(acc))))))))));
  }

  /** Extracts the bearer token, answering 401 when there is none. */
  private Route bearerToken(Function<String, Route> inner) {
    return optionalHeaderValueByName(
        "Authorization",
        header -> {
          Optional<String> token =
              header
                  .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                  .map(h -> h.substring(7).strip())
                  .filter(t -> !t.isEmpty());
          if (token.isEmpty()) {
            return complete(
                responses.error(
                    ApiError.unauthorized(
                        "an 'Authorization: Bearer <token>' header is required")));
          }
          return inner.apply(token.get());
        });
  }

  /** The operator's routes, entered only with the operator token; others fall through. */
  private Route operator(String token, java.util.function.Supplier<Route> inner) {
    return pathPrefix(
        "accounts",
        () -> {
          if (!Secrets.same(token, settings.operatorToken())) {
            return complete(
                responses.error(
                    ApiError.unauthorized("creating accounts needs the operator token")));
          }
          return inner.get();
        });
  }

  /** Routes of the account that the API key opens; 401 when it opens none. */
  private Route account(String token, Function<AccountSummary, Route> inner) {
    return onComplete(
        accounts.authenticate(token),
        result ->
            result.isSuccess()
                ? inner.apply(result.get())
                : complete(responses.failure(result.failed().get())));
  }

  private RejectionHandler rejectionHandler() {
    return RejectionHandler.newBuilder()
        .handleAll(
            MethodRejection.class,
            rejections ->
                complete(
                    responses.error(
                        new ApiError(
                            StatusCodes.METHOD_NOT_ALLOWED,
                            "method_not_allowed",
                            "this resource accepts "
                                + String.join(
                                    ", ",
                                    rejections.stream().map(r -> r.supported().name()).toList())))))
        .handleNotFound(
            complete(
                responses.error(
                    new ApiError(
                        StatusCodes.NOT_FOUND, "not_found", "no such resource or endpoint"))))
        .build()
        .withFallback(
            RejectionHandler.newBuilder()
                .handle(
                    org.apache.pekko.http.javadsl.server.Rejection.class,
                    rejection ->
                        complete(
                            responses.error(
                                ApiError.badRequest(
                                    "bad_request",
                                    "the request was not understood: " + rejection))))
                .build());
  }
}
