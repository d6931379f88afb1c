package io.herald.node.consent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.herald.node.Eventually;
import io.herald.node.letter.ConfirmationLetters;
import io.herald.node.letter.LetterSettings;
import io.herald.node.tracking.TrackingToken;
import io.herald.node.tracking.TrackingTokens;
import io.herald.node.transport.MailTransport;
import io.herald.node.transport.OutgoingLetter;
import io.herald.node.transport.SendOutcome;
import io.herald.protocol.AccountProtocol.AccountSummary;
import io.herald.protocol.AccountProtocol.MailingList;
import io.herald.protocol.EmailAddress;
import io.herald.protocol.SubscriberProtocol.Membership;
import io.herald.protocol.SubscriberProtocol.MembershipStatus;
import io.herald.protocol.SubscriberProtocol.Subscriber;
import io.herald.protocol.SubscriberProtocol.SubscriberStatus;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The confirmation letter as the transport receives it, and what happens when it fails. */
class NodeConfirmationsTest {

  private static final Instant NOW = Instant.parse("2026-12-04T07:00:00Z");
  private static final TrackingTokens TOKENS =
      new TrackingTokens("a key of at least thirty-two bytes!!".getBytes(StandardCharsets.UTF_8));
  private static final AccountSummary ACCOUNT =
      new AccountSummary("acc_1", "Acme Books", 4, List.of(), List.of(), NOW);
  private static final MailingList LIST = new MailingList("lst_weekly", "Weekly", NOW, true);
  private static final Subscriber READER =
      new Subscriber(
          "abcdefghijklmnopqrstuvwx",
          "reader@example.com",
          "",
          JsonNodeFactory.instance.objectNode(),
          SubscriberStatus.ACTIVE,
          NOW,
          List.of(new Membership("lst_weekly", MembershipStatus.UNCONFIRMED, NOW)),
          NOW,
          NOW);

  /** A transport that answers with the queued outcomes, then SENT, and keeps every letter. */
  private static final class ScriptedTransport implements MailTransport {
    final List<OutgoingLetter> letters = new CopyOnWriteArrayList<>();
    final Deque<SendOutcome> outcomes = new ArrayDeque<>();

    @Override
    public synchronized CompletionStage<SendOutcome> send(OutgoingLetter letter) {
      letters.add(letter);
      SendOutcome next = outcomes.isEmpty() ? SendOutcome.sent("250 ok") : outcomes.poll();
      return CompletableFuture.completedFuture(next);
    }

    @Override
    public int concurrency() {
      return 1;
    }

    @Override
    public void close() {}
  }

  private static NodeConfirmations confirmations(MailTransport transport) {
    var letters =
        new ConfirmationLetters(
            LetterSettings.defaults("https://mail.acme.example"),
            EmailAddress.parse("confirm@acme.example").orElseThrow(),
            Clock.fixed(NOW, ZoneOffset.UTC));
    // Sending needs no entity: sharding is only asked when a link is followed.
    return new NodeConfirmations(TOKENS, letters, transport, null, Duration.ofSeconds(1));
  }

  @Test
  void theLetterNamesListAndAccountAndCarriesASignedLinkForThisMembership() throws Exception {
    var transport = new ScriptedTransport();

    confirmations(transport).requestConfirmation(ACCOUNT, LIST, READER);

    assertThat(transport.letters).hasSize(1);
    OutgoingLetter letter = transport.letters.get(0);
    assertThat(letter.recipient().value()).isEqualTo("reader@example.com");
    assertThat(letter.sender().value()).isEqualTo("confirm@acme.example");
    assertThat(letter.messageId())
        .isEqualTo("<confirm.lst_weekly." + READER.id() + "@mail.acme.example>");
    var out = new java.io.ByteArrayOutputStream();
    letter.message().writeTo(out);
    // Without quoted-printable's soft line breaks, which may cut the link.
    String raw = out.toString(StandardCharsets.UTF_8).replace("=\r\n", "");
    assertThat(raw)
        .contains("Subject: Confirm your subscription to Weekly")
        .contains("From: Acme Books <confirm@acme.example>")
        .doesNotContain("List-Unsubscribe");
    Matcher link =
        Pattern.compile("https://mail\\.acme\\.example/c/([A-Za-z0-9_.-]+)").matcher(raw);
    assertThat(link.find()).isTrue();
    assertThat(TOKENS.verify(link.group(1), TrackingToken.ConfirmSubscription.class))
        .contains(new TrackingToken.ConfirmSubscription("acc_1", "lst_weekly", READER.id()));
  }

  @Test
  void aTemporaryFailureIsTriedAgainWithTheSameLetter() {
    var transport = new ScriptedTransport();
    transport.outcomes.add(SendOutcome.temporaryFailure("421 busy"));

    confirmations(transport).requestConfirmation(ACCOUNT, LIST, READER);

    Eventually.within(Duration.ofSeconds(10), () -> assertThat(transport.letters).hasSize(2));
    assertThat(transport.letters.get(1).messageId())
        .isEqualTo(transport.letters.get(0).messageId());
  }

  @Test
  void aPermanentFailureIsNotTriedAgain() throws Exception {
    var transport = new ScriptedTransport();
    transport.outcomes.add(SendOutcome.permanentFailure("550 no such user"));

    confirmations(transport).requestConfirmation(ACCOUNT, LIST, READER);

    Thread.sleep(2500);
    assertThat(transport.letters).hasSize(1);
  }
}
