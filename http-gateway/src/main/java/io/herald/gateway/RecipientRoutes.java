package io.herald.gateway;

import io.herald.gateway.CampaignPorts.RecipientRequests;
import io.herald.gateway.CampaignPorts.UnsubscribeTarget;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.CacheControl;
import org.apache.pekko.http.javadsl.model.headers.CacheDirectives;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * What recipients' mail clients reach: the open pixel {@code /t/o/{token}}, tracked links {@code
 * /t/c/{token}} and the unsubscribe page {@code /u/{token}}. No authentication: the signed token is
 * the credential, and a token that is not genuine gets 404 and records nothing.
 *
 * <p>A GET of the unsubscribe page never unsubscribes (link scanners fetch every URL in a letter);
 * the page's button, or a one-click POST (RFC 8058) from the mail client, does.
 */
public final class RecipientRoutes extends AllDirectives {

  /** A transparent 1x1 GIF. */
  private static final byte[] PIXEL =
      Base64.getDecoder().decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

  private final RecipientRequests requests;
  private final Responses responses;

  /** Routes over the node's handling of recipients' requests. */
  public RecipientRoutes(RecipientRequests requests, Responses responses) {
    this.requests = requests;
    this.responses = responses;
  }

  /** The routes. */
  public Route routes() {
    return concat(
        pathPrefix(
            "t",
            () ->
                concat(
                    path(PathMatchers.segment("o").slash(PathMatchers.segment()), this::open),
                    path(PathMatchers.segment("c").slash(PathMatchers.segment()), this::click))),
        path(
            PathMatchers.segment("u").slash(PathMatchers.segment()),
            token ->
                concat(
                    get(() -> completeWithFuture(page(token))),
                    post(() -> completeWithFuture(unsubscribe(token))))));
  }

  private Route open(String token) {
    return get(
        () -> {
          if (!requests.open(token)) {
            return complete(notFound());
          }
          return complete(
              HttpResponse.create()
                  .withEntity(
                      org.apache.pekko.http.javadsl.model.ContentTypes.create(MediaTypes.IMAGE_GIF),
                      PIXEL)
                  .addHeader(CacheControl.create(CacheDirectives.NO_STORE)));
        });
  }

  private Route click(String token) {
    return get(
        () ->
            completeWithFuture(
                requests
                    .click(token)
                    .thenApply(
                        url ->
                            url.map(
                                    u ->
                                        HttpResponse.create()
                                            .withStatus(StatusCodes.FOUND)
                                            .addHeader(Location.create(u))
                                            .addHeader(
                                                CacheControl.create(CacheDirectives.NO_STORE)))
                                .orElseGet(RecipientRoutes::notFound))
                    .exceptionally(responses::failure)));
  }

  private CompletionStage<HttpResponse> page(String token) {
    return requests
        .unsubscribeTarget(token)
        .thenApply(
            target ->
                target.map(t -> html(confirmPage(token, t))).orElseGet(RecipientRoutes::notFound))
        .exceptionally(responses::failure);
  }

  private CompletionStage<HttpResponse> unsubscribe(String token) {
    CompletionStage<Boolean> done;
    try {
      done = requests.unsubscribe(token);
    } catch (RuntimeException e) {
      done = CompletableFuture.failedFuture(e);
    }
    return done.thenApply(
            ok ->
                ok
                    ? html(
                        page(
                            "Unsubscribed",
                            "<h1>You are unsubscribed</h1><p>You will not receive these letters"
                                + " any more.</p>"))
                    : notFound())
        .exceptionally(responses::failure);
  }

  private static String confirmPage(String token, UnsubscribeTarget target) {
    String lists =
        target.listNames().isEmpty()
            ? ""
            : "<p>Lists: " + escape(String.join(", ", target.listNames())) + "</p>";
    return page(
        "Unsubscribe",
        "<h1>Unsubscribe?</h1><p>You received &ldquo;"
            + escape(target.campaignName())
            + "&rdquo;.</p>"
            + lists
            + "<form method=\"post\" action=\"/u/"
            + escape(token)
            + "\"><input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">"
            + "<button type=\"submit\">Unsubscribe</button></form>");
  }

  /** A small HTML page with the given title and body, its text already escaped. */
  static String page(String title, String body) {
    return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<title>"
        + title
        + "</title><style>body{font-family:sans-serif;max-width:32rem;margin:3rem auto;"
        + "padding:0 1rem;line-height:1.5}button{font-size:1rem;padding:.5rem 1.25rem}</style>"
        + "</head><body>"
        + body
        + "</body></html>";
  }

  /** A page that no cache or search engine keeps. */
  static HttpResponse html(String page) {
    return HttpResponse.create()
        .withEntity(ContentTypes.TEXT_HTML_UTF8, page.getBytes(StandardCharsets.UTF_8))
        .addHeader(CacheControl.create(CacheDirectives.NO_STORE))
        .addHeader(RawHeader.create("X-Robots-Tag", "noindex"));
  }

  /** What a token that is not genuine gets. */
  static HttpResponse notFound() {
    return HttpResponse.create()
        .withStatus(StatusCodes.NOT_FOUND)
        .withEntity(ContentTypes.TEXT_PLAIN_UTF8, "This link is not valid.");
  }

  /** Escapes text for HTML content and attribute values. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
