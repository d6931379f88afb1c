package io.herald.node.letter;

import static io.herald.node.letter.Letters.ACCOUNT;
import static io.herald.node.letter.Letters.CAMPAIGN;
import static io.herald.node.letter.Letters.SUBSCRIBER;
import static io.herald.node.letter.Letters.TOKENS;
import static io.herald.node.letter.Letters.ann;
import static io.herald.node.letter.Letters.attributes;
import static io.herald.node.letter.Letters.compileHtml;
import static io.herald.node.letter.Letters.html;
import static io.herald.node.letter.Letters.recipient;
import static io.herald.node.letter.TemplateRulesTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.node.tracking.TrackingToken;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LinkTrackingTest {

  private static final String CLICK = "https://herald.example.com/t/c/";
  private static final String OPEN = "https://herald.example.com/t/o/";

  private static final String NEWSLETTER =
      """
      <!DOCTYPE html>
      <html><head><title>News</title></head>
      <body>
        <p><a href="https://shop.example.com/?a=1&amp;b=2">Shop</a></p>
        <p><a href='http://blog.example.com/post'>Blog</a>
           <a href=https://shop.example.com/unquoted>Unquoted</a>
           <a HREF="  https://shop.example.com/?a=1&amp;b=2 ">Shop again</a></p>
        <map name="m"><area href="https://maps.example.com/" alt="Map"></map>
        <p><a href="mailto:help@shop.example.com">Write to us</a>
           <a href="tel:+33123456789">Call</a> <a href="#top">Top</a>
           <a href="{{unsubscribe_url}}">Unsubscribe</a></p>
      </body>
      </html>
      """;

  @Test
  void everyHttpLinkIsRewrittenToASignedClickUrlAndThePixelIsAdded() {
    CompiledCampaign campaign = compileHtml(NEWSLETTER);

    Document html = Jsoup.parse(html(campaign.render(ann())));

    List<String> targets = new ArrayList<>();
    for (Element link : html.select("a[href], area[href]")) {
      targets.add(link.attr("href"));
    }
    assertThat(targets.subList(0, 5)).allSatisfy(href -> assertThat(href).startsWith(CLICK));
    assertThat(targets.subList(5, 9))
        .containsExactly(
            "mailto:help@shop.example.com",
            "tel:+33123456789",
            "#top",
            targets.get(8)); // the unsubscribe URL, checked below
    assertThat(targets.get(8)).startsWith("https://herald.example.com/u/");
    assertThat(clickedUrls(targets.subList(0, 5), campaign))
        .containsExactly(
            "https://shop.example.com/?a=1&b=2",
            "http://blog.example.com/post",
            "https://shop.example.com/unquoted",
            "https://shop.example.com/?a=1&b=2",
            "https://maps.example.com/");

    Element pixel = html.body().children().last();
    assertThat(pixel.nameIs("img")).isTrue();
    assertThat(pixel.attr("src")).startsWith(OPEN);
    assertThat(pixel.attr("width")).isEqualTo("1");
    assertThat(pixel.attr("height")).isEqualTo("1");
    assertThat(pixel.attr("alt")).isEmpty();
    String token = pixel.attr("src").substring(OPEN.length());
    assertThat(TOKENS.verify(token))
        .contains(new TrackingToken.Open(ACCOUNT, CAMPAIGN, SUBSCRIBER));
  }

  @Test
  void theLinkListIsStableAndHoldsEachUrlOnce() {
    List<String> first = compileHtml(NEWSLETTER).links();
    List<String> second = compileHtml(NEWSLETTER).links();

    assertThat(first)
        .containsExactly(
            "https://shop.example.com/?a=1&b=2",
            "http://blog.example.com/post",
            "https://shop.example.com/unquoted",
            "https://maps.example.com/");
    assertThat(second).isEqualTo(first);
  }

  @Test
  void thePixelGoesBeforeTheBodyEndOrAtTheEnd() {
    String withBody = html(compileHtml("<html><body><p>x</p></BODY></html>").render(ann()));
    String fragment = html(compileHtml("<p>x</p>").render(ann()));

    assertThat(withBody)
        .matches(
            "(?s)<html><body><p>x</p><img src=\""
                + OPEN
                + "[^\"]+\""
                + " width=\"1\" height=\"1\" alt=\"\"></BODY></html>");
    assertThat(fragment).matches("(?s)<p>x</p><img src=\"" + OPEN + "[^\"]+\".*>");
  }

  @Test
  void theSourceIsEditedInPlaceSoSectionsStayInsideTables() {
    String template =
        "<table>\n{{#attributes.rows}}\n<tr><td><a href=\"https://x.example.com/\">{{label}}</a>"
            + "</td></tr>\n{{/attributes.rows}}\n</table>";
    CompiledCampaign campaign = compileHtml(template);

    String html =
        html(
            campaign.render(
                recipient(
                    "Ann", attributes("{\"rows\": [{\"label\": \"A\"}, {\"label\": \"B\"}]}"))));

    assertThat(html).startsWith("<table>\n<tr><td><a href=\"" + CLICK);
    assertThat(html)
        .containsPattern(
            "(?s)<table>\\n<tr>.*>A</a></td></tr>\\n<tr>.*>B</a></td></tr>\\n</table>");
  }

  @Test
  void eachRecipientGetsTheirOwnClickTokens() {
    CompiledCampaign campaign = compileHtml("<a href=\"https://x.example.com/\">x</a>");
    Recipient bob =
        new Recipient(
            ACCOUNT,
            CAMPAIGN,
            "bbbbbbbbbbbbbbbbbbbbbbbb",
            io.herald.protocol.EmailAddress.parse("bob@example.com").orElseThrow(),
            "Bob",
            null,
            null);

    String annLink = Jsoup.parse(html(campaign.render(ann()))).selectFirst("a").attr("href");
    String bobLink = Jsoup.parse(html(campaign.render(bob))).selectFirst("a").attr("href");

    assertThat(TOKENS.verify(annLink.substring(CLICK.length())))
        .contains(new TrackingToken.Click(ACCOUNT, CAMPAIGN, SUBSCRIBER, 0));
    assertThat(TOKENS.verify(bobLink.substring(CLICK.length())))
        .contains(new TrackingToken.Click(ACCOUNT, CAMPAIGN, "bbbbbbbbbbbbbbbbbbbbbbbb", 0));
  }

  @Test
  void personalisedLinksAreKeptButNotTracked() {
    CompiledCampaign campaign =
        compileHtml(
            "<a href=\"https://shop.example.com/offer?code={{attributes.code}}\">Offer</a>"
                + "<a href=\"mailto:{{email}}\">Me</a><a href=\"#{{attributes.code}}\">Here</a>");

    String html = html(campaign.render(recipient("Ann", attributes("{\"code\": \"A&B\"}"))));

    assertThat(campaign.links()).isEmpty();
    assertThat(html)
        .contains("<a href=\"https://shop.example.com/offer?code=A&amp;B\">Offer</a>")
        .contains("<a href=\"mailto:ann@example.com\">Me</a>");
  }

  @Test
  void withTrackingOffLinksStayAsWrittenAndNoPixelIsAdded() {
    CompiledCampaign campaign =
        Letters.TEMPLATES.compile(
            Letters.content("Hi", "<body><a href=\"https://x.example.com/\">x</a></body>"),
            Letters.SETTINGS.withTracking(false, false));

    assertThat(campaign.links()).isEmpty();
    assertThat(html(campaign.render(ann())))
        .isEqualTo("<body><a href=\"https://x.example.com/\">x</a></body>");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "  javascript:alert(1)",
        "java\tscript:alert(1)",
        "&#106;avascript:alert(1)",
        "&#x6A;avascript&colon;alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "file:///etc/passwd",
        "www.example.com",
        "example.com/page",
        "/relative/path",
        "page.html",
        "//example.com/protocol-relative",
        "https://",
        "https:///nohost",
        "{{attributes.url}}",
        "{{{attributes.url}}}",
        "java{{name}}script:alert(1)",
        "ftp://files.example.com/"
      })
  void linksThatCouldRunCodeOrGoNowhereAreRefusedWithTheirPosition(String href) {
    String html = "<p>Intro</p>\n<p>See <a href=\"" + href + "\">this</a></p>";

    assertRefused(() -> compileHtml(html), "html", 2, 17, "");
  }

  @Test
  void anEmptyLinkIsRefusedAtItsAttribute() {
    assertRefused(() -> compileHtml("<p>\n  <a href=\"\">x</a>"), "html", 2, 6, "empty");
    assertRefused(() -> compileHtml("<p>\n  <a href>x</a>"), "html", 2, 6, "empty");
  }

  @Test
  void scriptingUrlsInOtherAttributesAreRefused() {
    assertRefused(
        () -> compileHtml("<p>x</p><img src=\"javascript:alert(1)\">"),
        "html",
        1,
        19,
        "javascript");
    assertRefused(
        () -> compileHtml("<table background='vbscript:x'></table>"), "html", 1, 20, "vbscript");
  }

  @Test
  void refusalsExplainWhatToWrite() {
    assertRefused(
        () -> compileHtml("<a href=\"www.example.com\">x</a>"), "html", 1, 10, "write https://");
    assertRefused(
        () -> compileHtml("<a href=\"javascript:void(0)\">x</a>"),
        "html",
        1,
        10,
        "javascript: links are not allowed");
    assertRefused(
        () -> compileHtml("<a href=\"{{attributes.url}}\">x</a>"),
        "html",
        1,
        10,
        "write the scheme first");
  }

  private static List<String> clickedUrls(List<String> hrefs, CompiledCampaign campaign) {
    List<String> urls = new ArrayList<>();
    Pattern token = Pattern.compile(Pattern.quote(CLICK) + "(.+)");
    for (String href : hrefs) {
      Matcher matcher = token.matcher(href);
      assertThat(matcher.matches()).isTrue();
      TrackingToken.Click click =
          TOKENS.verify(matcher.group(1), TrackingToken.Click.class).orElseThrow();
      assertThat(click.subscriberId()).isEqualTo(SUBSCRIBER);
      urls.add(campaign.links().get(click.linkIndex()));
    }
    return urls;
  }
}
