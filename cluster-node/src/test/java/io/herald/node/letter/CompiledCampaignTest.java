package io.herald.node.letter;

import static io.herald.node.letter.Letters.ACCOUNT;
import static io.herald.node.letter.Letters.CAMPAIGN;
import static io.herald.node.letter.Letters.attributes;
import static io.herald.node.letter.Letters.compileHtml;
import static io.herald.node.letter.Letters.recipient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.protocol.EmailAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class CompiledCampaignTest {

  @Test
  void oneCompiledCampaignRendersTheSameLettersFromManyThreads() throws Exception {
    CompiledCampaign campaign =
        compileHtml(
            "<p>Hi {{name}}</p><ul>{{#attributes.items}}<li>{{.}}</li>{{/attributes.items}}</ul>"
                + "<a href=\"https://shop.example.com/\">Shop</a>");
    List<Recipient> recipients = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      recipients.add(
          new Recipient(
              ACCOUNT,
              CAMPAIGN,
              "subscriber" + i,
              EmailAddress.parse("person" + i + "@example.com").orElseThrow(),
              "Person " + i,
              attributes("{\"items\": [\"a" + i + "\", \"b" + i + "\"]}"),
              null));
    }
    List<Letters.Parts> serial = new ArrayList<>();
    for (Recipient recipient : recipients) {
      serial.add(Letters.parts(campaign.render(recipient)));
    }

    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Letters.Parts>> parallel = new ArrayList<>();
      for (Recipient recipient : recipients) {
        parallel.add(pool.submit(() -> Letters.parts(campaign.render(recipient))));
      }
      for (int i = 0; i < recipients.size(); i++) {
        assertThat(parallel.get(i).get()).isEqualTo(serial.get(i));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(serial.get(7).html()).contains("<p>Hi Person 7</p><ul><li>a7</li><li>b7</li></ul>");
  }

  @Test
  void aLetterThatGrowsPastItsLimitIsRefusedForThatRecipientOnly() {
    LetterSettings small =
        new LetterSettings(
            "https://herald.example.com", 1 << 20, 1 << 20, 5_000, true, true, false);
    CompiledCampaign campaign =
        Letters.TEMPLATES.compile(
            Letters.content("Hi", "<p>{{#attributes.items}}{{.}}{{/attributes.items}}</p>"), small);

    assertThatThrownBy(
            () ->
                campaign.render(
                    recipient("Ann", attributes("{\"items\": [\"" + "x".repeat(6_000) + "\"]}"))))
        .isInstanceOf(LetterRefusedException.class)
        .hasMessageContaining("grows beyond 5000 characters");
    assertThat(Letters.html(campaign.render(recipient("Bob", attributes("{\"items\": [\"y\"]}")))))
        .startsWith("<p>y</p>");
  }

  @Test
  void nestedLoopsThatProduceNothingStillStop() {
    StringBuilder items = new StringBuilder("[");
    for (int i = 0; i < 1_000; i++) {
      items.append(i == 0 ? "" : ",").append(i);
    }
    items.append(']');
    CompiledCampaign campaign =
        compileHtml(
            "<p>{{#attributes.l}}{{#attributes.l}}{{#attributes.l}}{{/attributes.l}}"
                + "{{/attributes.l}}{{/attributes.l}}</p>");

    assertThatThrownBy(
            () -> campaign.render(recipient("Ann", attributes("{\"l\": " + items + "}"))))
        .isInstanceOf(LetterRefusedException.class)
        .hasMessageContaining("loops over more than");
  }

  @Test
  void tidyLeavesAtMostOneBlankLine() {
    assertThat(CompiledCampaign.tidy("\n\na\n\n\n\nb\nc\n\n\n")).isEqualTo("a\n\nb\nc\n");
  }
}
