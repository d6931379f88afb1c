package io.herald.node.letter;

import static io.herald.node.letter.Letters.TOKENS;
import static io.herald.node.letter.Letters.ann;
import static io.herald.node.letter.Letters.attributes;
import static io.herald.node.letter.Letters.compileHtml;
import static io.herald.node.letter.Letters.recipient;
import static io.herald.node.letter.Letters.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.node.tracking.TrackingToken;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlainTextTest {

  @Test
  void paragraphsHeadingsAndLineBreaksReadAsText() {
    String text =
        textOf(
            "<html><head><title>Ignored</title><style>p { color: red }</style></head><body>"
                + "<h1>Spring   sale</h1><p>First line<br>second line</p>"
                + "<div>A div</div><div>Another div</div>"
                + "<h2>Details</h2><p>Caf&eacute; &amp; tea&nbsp;time.</p>"
                + "<script>alert(1)</script><p style=\"display: none\">hidden</p></body></html>");

    assertThat(text)
        .isEqualTo(
            "# Spring sale\n\nFirst line\nsecond line\n\nA div\nAnother div\n\n"
                + "## Details\n\nCafé & tea time.\n");
  }

  @Test
  void listsBecomeBulletsAndNumbers() {
    String text =
        textOf(
            "<p>Steps:</p><ol><li>Open</li><li>Read<ul><li>slowly</li><li>twice</li></ul></li>"
                + "<li>Close</li></ol><ul><li>Tea</li><li>Cake</li></ul>"
                + "<ol start=\"4\"><li>Four</li></ol><p>End</p>");

    assertThat(text)
        .isEqualTo(
            "Steps:\n\n1. Open\n2. Read\n  - slowly\n  - twice\n3. Close\n\n- Tea\n- Cake\n\n"
                + "4. Four\n\nEnd\n");
  }

  @Test
  void linksBecomeNumberedReferencesThroughTheirTrackedUrls() {
    CompiledCampaign campaign =
        compileHtml(
            "<p>Read <a href=\"https://blog.example.com/a\">the post</a> and"
                + " <a href=\"https://shop.example.com/\">"
                + "<img src=\"https://cdn.example.com/b.png\" alt=\"the shop\"></a>,"
                + " or <a href=\"https://blog.example.com/a\">again</a>.</p>"
                + "<p>Mail <a href=\"mailto:help@example.com\">help@example.com</a> or"
                + " <a href=\"mailto:help@example.com\">us</a>; see <a href=\"#terms\">terms</a>;"
                + " <a href=\"{{unsubscribe_url}}\">unsubscribe</a>.</p>");

    String text = text(campaign.render(ann()));

    assertThat(text)
        .startsWith(
            "Read the post [1] and the shop [2], or again [1].\n\n"
                + "Mail help@example.com or us [3]; see terms; unsubscribe [4].\n\n");
    List<String> references = text.lines().filter(line -> line.startsWith("[")).toList();
    assertThat(references).hasSize(4);
    assertThat(clicked(references.get(0), campaign)).isEqualTo("https://blog.example.com/a");
    assertThat(clicked(references.get(1), campaign)).isEqualTo("https://shop.example.com/");
    assertThat(references.get(2)).isEqualTo("[3] mailto:help@example.com");
    assertThat(references.get(3)).startsWith("[4] https://herald.example.com/u/u.");
  }

  @Test
  void tagsAreCarriedOverUnescapedAndSectionsLoopInPlace() {
    CompiledCampaign campaign =
        compileHtml(
            "<p>Hello {{name}},</p>"
                + "<ul>{{#attributes.items}}<li>{{title}} at {{{price}}}</li>"
                + "{{/attributes.items}}</ul>"
                + "<table>{{#attributes.vip}}<tr><td>VIP: {{attributes.perk}}</td></tr>"
                + "{{/attributes.vip}}</table><p>Bye</p>");

    String withItems =
        text(
            campaign.render(
                recipient(
                    "Tom & Jerry",
                    attributes(
                        "{\"items\": [{\"title\": \"<Tea>\", \"price\": \"3 €\"},"
                            + " {\"title\": \"Cake\", \"price\": 2}], \"vip\": true,"
                            + " \"perk\": \"a & b\"}"))));
    String without = text(campaign.render(recipient("Ann", attributes("{}"))));

    assertThat(withItems)
        .isEqualTo("Hello Tom & Jerry,\n\n- <Tea> at 3 €\n- Cake at 2\n\nVIP: a & b\n\nBye\n");
    assertThat(without).isEqualTo("Hello Ann,\n\nBye\n");
  }

  @Test
  void literalBracesInTheHtmlStayLiteralInTheText() {
    String text = textOf("<p>&#123;&#123;name&#125;&#125; and {not a tag}</p>");

    assertThat(text).isEqualTo("{ {name}} and {not a tag}\n");
  }

  @Test
  void personalisedLinksKeepTheirTagsInTheReference() {
    CompiledCampaign campaign =
        compileHtml("<p><a href=\"https://shop.example.com/?c={{attributes.code}}\">Offer</a></p>");

    String text = text(campaign.render(recipient("Ann", attributes("{\"code\": \"A&B\"}"))));

    assertThat(text).isEqualTo("Offer [1]\n\n[1] https://shop.example.com/?c=A&B\n");
  }

  @Test
  void sectionsInTheHeadOrInCommentsStayBalanced() {
    String template =
        "<html><head>{{#attributes.vip}}<title>VIP</title></head>"
            + "<body><p>Only for VIPs</p>{{/attributes.vip}}"
            + "<!-- {{#attributes.x}} --><p>X</p><!-- {{/attributes.x}} --></body></html>";
    CompiledCampaign campaign = compileHtml(template);

    assertThat(text(campaign.render(recipient("Ann", attributes("{\"vip\": true}")))))
        .isEqualTo("Only for VIPs\n");
    assertThat(text(campaign.render(recipient("Ann", attributes("{\"x\": true}")))))
        .isEqualTo("X\n");
  }

  @Test
  void anExplicitTextPartIsUsedAsWritten() {
    CompiledCampaign campaign =
        Letters.compileWithText(
            "<p><a href=\"https://x.example.com/\">x</a></p>",
            "Hi {{name}} & co,\n\n\n\nSee https://x.example.com/\n{{unsubscribe_url}}");

    String text = text(campaign.render(recipient("Tom <T>", attributes("{}"))));

    assertThat(text).startsWith("Hi Tom <T> & co,\n\n\n\nSee https://x.example.com/\nhttps://");
  }

  @Test
  void theGeneratedTemplateIsMadeOnceAndHoldsPlaceholdersNotUrls() {
    String html = "<p><a href=\"https://x.example.com/\">X</a> {{name}}</p>";

    String template =
        PlainText.fromHtml(
            html, TemplateTags.scan("html", html), List.of("https://x.example.com/"));

    assertThat(template).isEqualTo("X [1] {{name}}\n\n[1] {{{herald:links.0}}}\n");
  }

  private static String textOf(String html) {
    return text(compileHtml(html).render(ann()));
  }

  private static String clicked(String reference, CompiledCampaign campaign) {
    String prefix = "https://herald.example.com/t/c/";
    String url = reference.substring(reference.indexOf(' ') + 1);
    assertThat(url).startsWith(prefix);
    int index =
        TOKENS
            .verify(url.substring(prefix.length()), TrackingToken.Click.class)
            .orElseThrow()
            .linkIndex();
    return campaign.links().get(index);
  }
}
