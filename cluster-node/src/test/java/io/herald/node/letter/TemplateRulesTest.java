package io.herald.node.letter;

import static io.herald.node.letter.Letters.ann;
import static io.herald.node.letter.Letters.attributes;
import static io.herald.node.letter.Letters.compile;
import static io.herald.node.letter.Letters.compileHtml;
import static io.herald.node.letter.Letters.html;
import static io.herald.node.letter.Letters.recipient;
import static io.herald.node.letter.Letters.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TemplateRulesTest {

  @Test
  void valuesAreEscapedInHtmlUnlessTripleBraced() {
    CompiledCampaign campaign =
        compileHtml("<p>{{name}}|{{{name}}}|{{&name}}|{{attributes.bio}}|{{{attributes.bio}}}</p>");

    String html =
        html(campaign.render(recipient("Tom & \"Jerry\"", attributes("{\"bio\": \"<b>hi</b>\"}"))));

    assertThat(html)
        .contains(
            "<p>Tom &amp; &quot;Jerry&quot;|Tom & \"Jerry\"|Tom & \"Jerry\"|&lt;b&gt;hi&lt;/b&gt;"
                + "|<b>hi</b></p>");
  }

  @Test
  void valuesAreEscapedExactlyAsMustacheJavaWouldEscapeThem() throws Exception {
    java.util.Random random = new java.util.Random(7);
    String alphabet = "ab <>&\"'`=/\t\r\n\u0000\u000b\u000e é€🎉";
    for (int round = 0; round < 500; round++) {
      StringBuilder value = new StringBuilder();
      for (int i = random.nextInt(40); i > 0; i--) {
        value.appendCodePoint(alphabet.codePointAt(random.nextInt(alphabet.length() - 2)));
      }
      java.io.StringWriter ours = new java.io.StringWriter();
      java.io.StringWriter theirs = new java.io.StringWriter();

      SandboxedMustache.escape(value.toString(), ours);
      com.github.mustachejava.util.HtmlEscaper.escape(value.toString(), theirs);

      assertThat(ours.toString()).as("value %s", value).isEqualTo(theirs.toString());
    }
  }

  @Test
  void nothingIsEscapedInTheSubjectOrThePlainText() {
    CompiledCampaign campaign = compile("For {{name}} <3", "<p>{{name}} &amp; {{email}}</p>");

    Letter letter = campaign.render(recipient("Tom & <Jerry>", attributes("{}")));

    assertThat(text(letter)).startsWith("Tom & <Jerry> & ann@example.com");
    assertThat(subject(letter)).isEqualTo("For Tom & <Jerry> <3");
  }

  @Test
  void attributesReachNestedValuesListsAndNumbers() {
    CompiledCampaign campaign =
        compileHtml(
            "<p>{{attributes.address.city}} {{attributes.age}} {{attributes.score}}"
                + " {{attributes.tags.1}}</p>"
                + "<ul>{{#attributes.orders}}<li>{{sku}} x{{qty}} for {{name}}</li>"
                + "{{/attributes.orders}}</ul>"
                + "{{#attributes.vip}}<p>VIP</p>{{/attributes.vip}}"
                + "{{^attributes.vip}}<p>Regular</p>{{/attributes.vip}}");

    String html =
        html(
            campaign.render(
                recipient(
                    "Ann",
                    attributes(
                        "{\"address\": {\"city\": \"Lyon\"}, \"age\": 41, \"score\": 2.5,"
                            + " \"tags\": [\"a\", \"b\"], \"vip\": true, \"orders\": ["
                            + "{\"sku\": \"T-1\", \"qty\": 2},"
                            + " {\"sku\": \"C-9\", \"qty\": 1}]}"))));

    assertThat(html).contains("<p>Lyon 41 2.5 b</p>");
    assertThat(html).contains("<li>T-1 x2 for Ann</li><li>C-9 x1 for Ann</li>");
    assertThat(html).contains("<p>VIP</p>").doesNotContain("Regular");
  }

  @Test
  void missingAttributesRenderAsNothingAndCountAsFalse() {
    CompiledCampaign campaign =
        compileHtml(
            "<p>[{{attributes.city}}][{{attributes.address.street}}][{{attributes.none.deeper}}]"
                + "{{^attributes.vip}}regular{{/attributes.vip}}"
                + "{{#attributes.orders}}order{{/attributes.orders}}</p>");

    String withNothing = html(campaign.render(recipient(null, null)));
    String withNulls =
        html(
            campaign.render(
                recipient("Ann", attributes("{\"city\": null, \"orders\": [], \"vip\": false}"))));

    assertThat(withNothing).contains("<p>[][][]regular</p>");
    assertThat(withNulls).contains("<p>[][][]regular</p>");
  }

  @Test
  void anEmptyNameCanBeGreetedDifferently() {
    CompiledCampaign campaign =
        compileHtml("<p>{{#name}}Hi {{name}}{{/name}}{{^name}}Hi there{{/name}}</p>");

    assertThat(html(campaign.render(recipient(null, null)))).contains("<p>Hi there</p>");
    assertThat(html(campaign.render(ann()))).contains("<p>Hi Ann</p>");
  }

  @Test
  void templatesCannotCallMethodsOnWhatTheySee() {
    // With mustache.java's default handler these names would call String.getBytes(),
    // Object.getClass(), Map.size() and the like.
    CompiledCampaign campaign =
        compileHtml(
            "<p>{{#name}}[{{bytes}}][{{class}}][{{length}}][{{empty}}]{{/name}}"
                + "{{#attributes.shop}}[{{class.name}}][{{size}}][{{hashCode}}]{{/attributes.shop}}"
                + "{{#attributes.list}}[{{size}}][{{class}}]{{/attributes.list}}</p>");

    String html =
        html(
            campaign.render(
                recipient("Ann", attributes("{\"shop\": {\"x\": 1}, \"list\": [[1, 2]]}"))));

    assertThat(html).contains("<p>[][][][][][][][][]</p>");
  }

  @Test
  void wholeObjectsAndListsPrintNothingRatherThanJavaNotation() {
    CompiledCampaign campaign =
        compileHtml("<p>{{#attributes.shop}}[{{.}}]{{/attributes.shop}}{{attributes.list}}</p>");

    String html =
        html(
            campaign.render(recipient("Ann", attributes("{\"shop\": {\"x\": 1}, \"list\": [1]}"))));

    assertThat(html).contains("<p>[]</p>");
  }

  @Test
  void aListOfStringsCanBeLoopedWithTheCurrentItem() {
    CompiledCampaign campaign =
        compileHtml("<p>{{#attributes.tags}}<i>{{.}}</i>{{/attributes.tags}}</p>");

    String html =
        html(campaign.render(recipient("Ann", attributes("{\"tags\": [\"a<\", \"b\"]}"))));

    assertThat(html).contains("<p><i>a&lt;</i><i>b</i></p>");
  }

  @Test
  void unsubscribeUrlIsTheSignedOneClickUrl() {
    CompiledCampaign campaign = compileHtml("<p>{{unsubscribe_url}}</p>");

    Letter letter = campaign.render(ann());

    String listUnsubscribe = header(letter, "List-Unsubscribe");
    assertThat(html(letter))
        .contains("<p>" + listUnsubscribe.substring(1, listUnsubscribe.length() - 1) + "</p>");
  }

  @Test
  void partialsAreRefusedWhereTheyAreWritten() {
    assertRefused(
        () -> compileHtml("<p>one</p>\n<p>two</p>\n<p>{{> footer}}</p>"), "html", 3, 4, "partials");
    assertRefused(() -> compileHtml("<p>{{>/etc/passwd}}</p>"), "html", 1, 4, "partials");
    assertRefused(() -> compile("Hi {{>x}}", "<p>x</p>"), "subject", 1, 4, "partials");
  }

  @Test
  void inheritancePragmasAndDelimiterChangesAreRefused() {
    assertRefused(() -> compileHtml("{{<base}}{{/base}}"), "html", 1, 1, "inheritance");
    assertRefused(() -> compileHtml("x{{$block}}{{/block}}"), "html", 1, 2, "inheritance");
    assertRefused(() -> compileHtml("{{%IMPLICIT-ITERATOR}}"), "html", 1, 1, "pragmas");
    assertRefused(() -> compileHtml("\n  {{=<% %>=}}<%> x%>"), "html", 2, 3, "delimiters");
  }

  @Test
  void malformedTemplatesAreRefusedWithLineAndColumn() {
    assertRefused(
        () -> compileHtml("<p>\n  {{#attributes.vip}}VIP\n</p>"),
        "html",
        2,
        3,
        "attributes.vip is never closed");
    assertRefused(
        () -> compileHtml("{{#attributes.a}}\n{{#attributes.b}}x{{/attributes.a}}"),
        "html",
        2,
        19,
        "does not match the section {{#attributes.b}} opened at line 2, column 1");
    assertRefused(() -> compileHtml("a\nb {{/name}}"), "html", 2, 3, "closes no open section");
    assertRefused(() -> compileHtml("<p>{{name</p>"), "html", 1, 4, "never closed");
    assertRefused(() -> compileHtml("<p>{{name\n}}</p>"), "html", 1, 4, "same line");
    assertRefused(() -> compileHtml("<p>{{{name}}</p>"), "html", 1, 4, "}}}");
    assertRefused(() -> compileHtml("<p>{{}}</p>"), "html", 1, 4, "empty");
    assertRefused(() -> compileHtml("<p>{{na me}}</p>"), "html", 1, 4, "not a variable name");
  }

  @Test
  void unknownVariablesAreRefusedOutsideSections() {
    assertRefused(() -> compileHtml("<p>{{first_name}}</p>"), "html", 1, 4, "first_name");
    assertRefused(() -> compileHtml("<p>{{attributes}}</p>"), "html", 1, 4, "name one");
    assertRefused(() -> compileHtml("<p>{{email.domain}}</p>"), "html", 1, 4, "has no parts");
    assertRefused(() -> compile("{{subject}}", "<p>x</p>"), "subject", 1, 1, "subject");
    assertRefused(
        () -> Letters.compileWithText("<p>x</p>", "Line one\nLine {{herald:links.0}} two"),
        "text",
        2,
        6,
        "not a variable name");
  }

  @Test
  void theTextPartFollowsTheSameRules() {
    assertRefused(
        () -> Letters.compileWithText("<p>x</p>", "Hi\n\n{{> footer}}"), "text", 3, 1, "partials");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Hello\r\nBcc: x@example.com",
        "Hello\nBcc: x@example.com",
        "Hi\rthere",
        "a\u0000b"
      })
  void subjectsWithLineBreaksOrControlsAreRefused(String subject) {
    assertThatThrownBy(() -> compile(subject, "<p>x</p>"))
        .isInstanceOfSatisfying(
            ContentException.class, e -> assertThat(e.field()).isEqualTo("subject"));
  }

  @Test
  void senderFieldsWithLineBreaksOrBadAddressesAreRefused() {
    String html = "<p>x</p>";
    assertField(
        new CampaignContent(
            "Hi", "Shop\r\nBcc: x@example.com", "news@shop.example.com", null, html, null),
        "fromName");
    assertField(
        new CampaignContent(
            "Hi", "Shop", "news@shop.example.com\r\nBcc: x@example.com", null, html, null),
        "fromEmail");
    assertField(new CampaignContent("Hi", "Shop", "not an address", null, html, null), "fromEmail");
    assertField(new CampaignContent("Hi", "Shop", null, null, html, null), "fromEmail");
    assertField(
        new CampaignContent(
            "Hi", "Shop", "news@shop.example.com", "x@example.com\nBcc: y@example.com", html, null),
        "replyTo");
    assertField(
        new CampaignContent("Hi", "Shop", "news@shop.example.com", "nobody@localhost", html, null),
        "replyTo");
    assertField(
        new CampaignContent("", "Shop", "news@shop.example.com", null, html, null), "subject");
    assertField(
        new CampaignContent("Hi", "Shop", "news@shop.example.com", null, " ", null), "html");
  }

  @Test
  void aFiveMegabyteHtmlIsRefusedClearly() {
    String body = "<p>" + "x".repeat(5 * 1024 * 1024) + "</p>";

    assertThatThrownBy(() -> compileHtml(body))
        .isInstanceOfSatisfying(
            ContentException.class,
            e -> {
              assertThat(e.field()).isEqualTo("html");
              assertThat(e.line()).isZero();
              assertThat(e.getMessage())
                  .contains("html: is 5.0 MiB")
                  .contains("over the limit of 1.0 MiB")
                  .contains("herald.letters.max-html-size");
            });
  }

  @Test
  void theSizeLimitCountsUtf8BytesAndCanBeChanged() {
    LetterSettings small =
        new LetterSettings("https://herald.example.com", 100, 100, 10_000, true, true, false);
    String fits = "<p>" + "é".repeat(40) + "</p>"; // 87 bytes
    String over = "<p>" + "é".repeat(50) + "</p>"; // 107 bytes, 57 characters

    Letters.TEMPLATES.compile(Letters.content("Hi", fits), small);
    assertThatThrownBy(() -> Letters.TEMPLATES.compile(Letters.content("Hi", over), small))
        .isInstanceOf(ContentException.class)
        .hasMessageContaining("107 bytes");
  }

  private static String subject(Letter letter) {
    try {
      return Letters.parse(letter.toBytes()).getSubject();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String header(Letter letter, String name) {
    try {
      return Letters.parse(letter.toBytes()).getHeader(name, null);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void assertField(CampaignContent content, String field) {
    assertThatThrownBy(() -> Letters.TEMPLATES.compile(content, Letters.SETTINGS))
        .isInstanceOfSatisfying(
            ContentException.class, e -> assertThat(e.field()).isEqualTo(field));
  }

  static void assertRefused(
      ThrowingCallable compile, String field, int line, int column, String problem) {
    assertThatThrownBy(compile)
        .isInstanceOfSatisfying(
            ContentException.class,
            e -> {
              assertThat(e.field()).isEqualTo(field);
              assertThat(e.line()).as("line").isEqualTo(line);
              assertThat(e.column()).as("column").isEqualTo(column);
              assertThat(e.problem()).contains(problem);
            });
  }
}
