package io.herald.node.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.typesafe.config.ConfigFactory;
import jakarta.mail.internet.MimeMessage;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SmtpTransport against GreenMail, a real SMTP server: delivery, login and implicit TLS. GreenMail
 * offers no STARTTLS and cannot tell how many connections it served, so STARTTLS and connection
 * reuse are tested against {@link ScriptedSmtpServer} in {@link SmtpTransportTest}.
 */
class SmtpTransportGreenMailTest {

  @RegisterExtension
  static final GreenMailExtension greenMail =
      new GreenMailExtension(
              ServerSetup.dynamicPort(
                  new ServerSetup[] {ServerSetupTest.SMTP, ServerSetupTest.SMTPS}))
          .withConfiguration(
              GreenMailConfiguration.aConfig().withUser("herald@herald.test", "herald", "s3cret"));

  @Test
  void aStreamOfLettersIsDeliveredThroughThePool() throws Exception {
    ActorSystem system =
        ActorSystem.create(
            "transport-test",
            ConfigFactory.parseString("pekko.actor.provider = local")
                .withFallback(ConfigFactory.defaultReference()));
    try (SmtpTransport transport = smtp("connections = 4")) {
      List<OutgoingLetter> letters =
          IntStream.range(0, 40).mapToObj(i -> TestLetters.to("r" + i + "@example.org")).toList();

      List<SendOutcome> outcomes =
          Source.from(letters)
              .mapAsyncUnordered(transport.concurrency(), transport::send)
              .runWith(Sink.seq(), system)
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);

      assertThat(outcomes).hasSize(40).allMatch(SendOutcome::isSent);
      assertThat(greenMail.getReceivedMessages()).hasSize(40);
      assertThat(greenMail.getReceivedMessagesForDomain("r7@example.org"))
          .singleElement()
          .satisfies(
              message -> assertThat(message.getMessageID()).isEqualTo(letters.get(7).messageId()));
    } finally {
      TestKit.shutdownActorSystem(system);
    }
  }

  @Test
  void theEnvelopeSenderIsTheLettersNotTheFromHeader() throws Exception {
    try (SmtpTransport transport = smtp("connections = 1")) {
      OutgoingLetter letter =
          TestLetters.letter(
              "bounce+ann@herald.test", "ann@example.org", "<env@herald.test>", "Hi");

      assertThat(send(transport, letter).isSent()).isTrue();

      MimeMessage received = greenMail.getReceivedMessages()[0];
      assertThat(received.getHeader("Return-Path", null)).contains("bounce+ann@herald.test");
      assertThat(received.getHeader("From", null)).isEqualTo("Herald <news@herald.test>");
    }
  }

  @Test
  void aConfiguredLoginIsUsed() throws Exception {
    try (SmtpTransport transport = smtp("connections = 1, user = herald, password = s3cret")) {
      assertThat(send(transport, TestLetters.to("ann@example.org")).isSent()).isTrue();
    }
    try (SmtpTransport transport = smtp("connections = 1, user = herald, password = wrong")) {
      SendOutcome refused = send(transport, TestLetters.to("bob@example.org"));

      assertThat(refused.status()).isEqualTo(SendStatus.TEMPORARY_FAILURE);
    }
    assertThat(greenMail.getReceivedMessages()).hasSize(1);
  }

  @Test
  void implicitTlsDelivers() throws Exception {
    int port = greenMail.getSmtps().getPort();
    SmtpSettings settings =
        TestSmtpSettings.local(port, "connections = 1, tls = tls, trust-hosts = \"*\"");
    try (SmtpTransport transport = new SmtpTransport(settings)) {
      assertThat(send(transport, TestLetters.to("ann@example.org")).isSent()).isTrue();
    }
    assertThat(greenMail.getReceivedMessages()).hasSize(1);
  }

  @Test
  void implicitTlsTrustsOnlyTheHostsNamed() throws Exception {
    int port = greenMail.getSmtps().getPort();
    SmtpSettings named =
        TestSmtpSettings.local(port, "connections = 1, tls = tls, trust-hosts = \"a 127.0.0.1\"");
    try (SmtpTransport transport = new SmtpTransport(named)) {
      assertThat(send(transport, TestLetters.to("ann@example.org")).isSent()).isTrue();
    }
    SmtpSettings other =
        TestSmtpSettings.local(port, "connections = 1, tls = tls, trust-hosts = relay.example");
    try (SmtpTransport transport = new SmtpTransport(other)) {
      SendOutcome outcome = send(transport, TestLetters.to("bob@example.org"));

      assertThat(outcome.status()).isEqualTo(SendStatus.TEMPORARY_FAILURE);
    }
    assertThat(greenMail.getReceivedMessages()).hasSize(1);
  }

  @Test
  void implicitTlsChecksTheCertificateUnlessTheHostIsTrusted() throws Exception {
    int port = greenMail.getSmtps().getPort();
    SmtpSettings settings =
        TestSmtpSettings.local(port, "connections = 1, tls = tls, connect-timeout = 5s");
    try (SmtpTransport transport = new SmtpTransport(settings)) {
      SendOutcome outcome = send(transport, TestLetters.to("ann@example.org"));

      assertThat(outcome.status()).isEqualTo(SendStatus.TEMPORARY_FAILURE);
      assertThat(outcome.detail()).contains("could not open a connection");
    }
    assertThat(greenMail.getReceivedMessages()).isEmpty();
  }

  private static SmtpTransport smtp(String hocon) {
    return new SmtpTransport(TestSmtpSettings.local(greenMail.getSmtp().getPort(), hocon));
  }

  private static SendOutcome send(SmtpTransport transport, OutgoingLetter letter) throws Exception {
    return transport.send(letter).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
