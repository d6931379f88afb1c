package io.herald.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.gateway.Views.AccountView;
import java.util.Set;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code /api/v1/accounts}: opening accounts, for the operator. */
public final class AccountRoutes extends RouteSupport {

  private static final Set<String> CREATE_FIELDS = Set.of("name");

  private final Accounts accounts;

  /** Routes over the given accounts. */
  public AccountRoutes(
      ObjectMapper mapper, Responses responses, GatewaySettings settings, Accounts accounts) {
    super(mapper, responses, settings);
    this.accounts = accounts;
  }

  /** The routes under {@code /accounts}; the caller has matched the prefix and the token. */
  public Route routes() {
    return pathEndOrSingleSlash(
        () ->
            post(
                () ->
                    jsonBody(
                        CREATE_FIELDS,
                        body -> {
                          String name = validName("name", body.requiredString("name"));
                          return accounts
                              .open(name, settings.subscriberPartitions())
                              .thenApply(
                                  opened ->
                                      responses.json(
                                          StatusCodes.CREATED,
                                          new AccountView(
                                              opened.account().id(),
                                              opened.account().name(),
                                              opened.apiKey(),
                                              opened.account().createdAt())));
                        })));
  }
}
