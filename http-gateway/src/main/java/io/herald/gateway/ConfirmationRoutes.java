package io.herald.gateway;

import static io.herald.gateway.RecipientRoutes.escape;

import io.herald.gateway.ConsentPorts.ConfirmationTarget;
import io.herald.gateway.ConsentPorts.Confirmations;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The link of a double opt-in confirmation letter, {@code /c/{token}}. No authentication: the
 * signed token is the credential, and one that is not genuine gets 404 and changes nothing.
 *
 * <p>A GET only shows a page with a button: mail scanners fetch every link in a letter, and a
 * confirmation they could trigger would prove nothing. The button's POST confirms.
 */
public final class ConfirmationRoutes extends AllDirectives {

  private final Confirmations confirmations;
  private final Responses responses;

  /** Routes over the node's confirmations. */
  public ConfirmationRoutes(Confirmations confirmations, Responses responses) {
    this.confirmations = confirmations;
    this.responses = responses;
  }

  /** The routes. */
  public Route routes() {
    return path(
        PathMatchers.segment("c").slash(PathMatchers.segment()),
        token ->
            concat(
                get(() -> completeWithFuture(page(token))),
                post(() -> completeWithFuture(confirm(token)))));
  }

  private CompletionStage<HttpResponse> page(String token) {
    return guarded(() -> confirmations.target(token))
        .thenApply(
            target ->
                target
                    .map(t -> RecipientRoutes.html(confirmPage(token, t)))
                    .orElseGet(RecipientRoutes::notFound))
        .exceptionally(responses::failure);
  }

  private CompletionStage<HttpResponse> confirm(String token) {
    return guarded(() -> confirmations.confirm(token))
        .thenApply(
            done ->
                done
                    ? RecipientRoutes.html(
                        RecipientRoutes.page(
                            "Subscription confirmed",
                            "<h1>Thank you</h1><p>Your subscription is confirmed.</p>"))
                    : RecipientRoutes.notFound())
        .exceptionally(responses::failure);
  }

  private static String confirmPage(String token, ConfirmationTarget target) {
    return RecipientRoutes.page(
        "Confirm your subscription",
        "<h1>Confirm your subscription</h1><p>Please confirm that you want to receive &ldquo;"
            + escape(target.listName())
            + "&rdquo; from "
            + escape(target.accountName())
            + ".</p><form method=\"post\" action=\"/c/"
            + escape(token)
            + "\"><button type=\"submit\">Confirm my subscription</button></form>"
            + "<p>If you did not sign up, ignore this page: nothing will be sent to you.</p>");
  }

  private static <T> CompletionStage<T> guarded(
      java.util.function.Supplier<CompletionStage<T>> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
