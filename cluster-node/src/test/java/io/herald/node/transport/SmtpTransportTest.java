package io.herald.node.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.node.Eventually;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SmtpTransport against {@link ScriptedSmtpServer}: classification, reuse and recovery. */
class SmtpTransportTest {

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  @Test
  void anAcceptedLetterIsSentWithTheServersReply() throws Exception {
    ScriptedSmtpServer server = server(new ScriptedSmtpServer());
    SmtpTransport transport = transport(server, "connections = 1");
    OutgoingLetter letter =
        TestLetters.letter("bounce+7@herald.test", "ann@example.org", "<m1@herald.test>", "Hi");

    SendOutcome outcome = send(transport, letter);

    assertThat(outcome.status()).isEqualTo(SendStatus.SENT);
    assertThat(outcome.replyCode()).isEqualTo(250);
    assertThat(outcome.detail()).contains("queued as Q");
    assertThat(server.received()).hasSize(1);
    ScriptedSmtpServer.Received received = server.received().get(0);
    assertThat(received.mailFrom()).isEqualTo("bounce+7@herald.test");
    assertThat(received.rcptTo()).isEqualTo("ann@example.org");
    assertThat(received.data()).contains("Message-ID: <m1@herald.test>").contains("Hi");
  }

  @Test
  void heraldsLettersSkipJakartasDataStreamWithThisJakartaVersion() {
    // Should a Jakarta upgrade hide its server stream, letters still go out, only slower: say so.
    assertThat(SmtpConnection.Client.DIRECT_DATA).isNotNull();
  }

  @Test
  void aLetterNotInWireFormGoesThroughJakartasStreamAndIsDotStuffed() throws Exception {
    ScriptedSmtpServer server = server(new ScriptedSmtpServer());
    SmtpTransport transport = transport(server, "connections = 1");

    SendOutcome plain =
        send(transport, TestLetters.plainLetter("ann@example.org", ".hidden\nbare LF\n.\nend"));
    SendOutcome wire = send(transport, TestLetters.to("bob@example.org"));

    assertThat(plain.status()).isEqualTo(SendStatus.SENT);
    assertThat(wire.status()).isEqualTo(SendStatus.SENT);
    assertThat(server.received()).hasSize(2);
    // The server undoes the dot-stuffing: the text arrives as it was, with CRLF line ends.
    assertThat(server.received().get(0).data()).contains("\r\n.hidden\r\nbare LF\r\n.\r\nend");
    assertThat(server.received().get(1).data()).contains("Hello");
  }

  @Test
  void manyLettersTravelOverFewConnections() throws Exception {
    ScriptedSmtpServer server = server(new ScriptedSmtpServer());
    SmtpTransport transport = transport(server, "connections = 3");

    List<CompletableFuture<SendOutcome>> results = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      results.add(transport.send(TestLetters.to("r" + i + "@example.org")).toCompletableFuture());
    }

    for (CompletableFuture<SendOutcome> result : results) {
      assertThat(result.get(30, TimeUnit.SECONDS).status()).isEqualTo(SendStatus.SENT);
    }
    assertThat(server.received()).hasSize(150);
    assertThat(server.connections()).isBetween(1, 3);
    assertThat(transport.concurrency()).isEqualTo(3);
  }

  @Test
  void aRecipientRefusedWith4xxIsATemporaryFailure() throws Exception {
    SendOutcome outcome = sendOneTo("rcpt450@example.org");

    assertThat(outcome.status()).isEqualTo(SendStatus.TEMPORARY_FAILURE);
    assertThat(outcome.replyCode()).isEqualTo(450);
    assertThat(outcome.detail()).contains("RCPT TO").contains("Mailbox busy");
  }

  @Test
  void aRecipientRefusedWith5xxIsAPermanentFailure() throws Exception {
    SendOutcome outcome = sendOneTo("rcpt550@example.org");

    assertThat(outcome.status()).isEqualTo(SendStatus.PERMANENT_FAILURE);
    assertThat(outcome.replyCode()).isEqualTo(550);
    assertThat(outcome.detail()).contains("RCPT TO").contains("5.1.1 No such user");
  }

  @Test
  void aLetterRefusedWith4xxAtTheEndOfDataIsATemporaryFailure() throws Exception {
    SendOutcome outcome = sendOneTo("data451@example.org");

    assertThat(outcome.status()).isEqualTo(SendStatus.TEMPORARY_FAILURE);
    assertThat(outcome.replyCode()).isEqualTo(451);
    assertThat(outcome.detail()).contains("end of DATA");
  }

  @Test
  void aLetterRefusedWith5xxAtTheEndOfDataIsAPermanentFailure() throws Exception {
    SendOutcome outcome = sendOneTo("data554@example.org");

    assertThat(outcome.status()).isEqualTo(SendStatus.PERMANENT_FAILURE);
    assertThat(outcome.replyCode()).isEqualTo(554);
    assertThat(outcome.detail()).contains("end of DATA").contains("spam");
  }

  @Test
  void aSenderRefusedWith5xxIsAPermanentFailureThatNamesTheStage() throws Exception {
    ScriptedSmtpServer server = server(new ScriptedSmtpServer());
    SmtpTransport transport = transport(server, "connections = 1");
    OutgoingLetter letter =
        TestLetters.letter(
            "from553@herald.test", "ann@example.org", TestLetters.nextMessageId(), "Hi");

    SendOutcome outcome = send(transport, letter);

    assertThat(outcome.status()).isEqualTo(SendStatus.PERMANENT_FAILURE);
    assertThat(outcome.replyCode()).isEqualTo(553);
    assertThat(outcome.detail()).contains("refused MAIL FROM");
    assertThat(send(transport, TestLetters.to("ann@example.org")).isSent()).isTrue();
    assertThat(server.connections()).isEqualTo(1);
  }

  @Test
  void aRelayAskingForALoginWeDoNotHaveIsATemporaryFailure() throws Exception {
    ScriptedSmtpServer server = server(new ScriptedSmtpServer().withLogin("herald", "s3cret"));
    SmtpTransport transport = transport(server, "connections = 1");

    SendOutcome outcome = send(transport, TestLetters.to("ann@example.org"));

    assertThat(outcome.status()).isEqualTo(SendStatus.TEMPORARY_FAILURE);
    assertThat(outcome.replyCode()).isEqualTo(530);
    assertThat(outcome.detail()).contains("Authentication required");
  }

  @Test
  void aPermanentFailureDoesNotPoisonTheNextLetterOnTheSameConnection() throws Exception {
    ScriptedSmtpServer server = server(new ScriptedSmtpServer());
    SmtpTransport transport = transport(server, "connections = 1");

    SendOutcome refusedAtRcpt = send(transport, TestLetters.to("rcpt550@example.org"));
    SendOutcome afterRcpt = send(transport, TestLetters.to("ann@example.org"));
    SendOutcome refusedAtData = send(transport, TestLetters.to("data554@example.org"));
    SendOutcome afterData = send(transport, TestLetters.to("bob@example.org"));

    assertThat(refusedAtRcpt.status()).isEqualTo(SendStatus.PERMANENT_FAILURE);
    assertThat(afterRcpt.status()).isEqualTo(SendStatus.SENT);
    assertThat(refusedAtData.status()).isEqualTo(SendStatus.PERMANENT_FAILURE);
    assertThat(afterData.status()).isEqualTo(SendStatus.SENT);
    assertThat(server.connections()).isEqualTo(1);
    assertThat(server.received())
        .extracting(ScriptedSmtpServer.Received::rcptTo)
        .containsExactly("ann@example.org", "bob@example.org");
    // Each refusal was followed by RSET, so that the next MAIL FROM started a clean transaction.
    List<String> commands = server.commands();
    int refusal = indexOfFirst(commands, "RCPT TO:<rcpt550@example.org>");
    assertThat(commands.get(refusal + 1)).isEqualTo("RSET");
  }

  @Test
  void aConnectionDroppedDuringDataIsATemporaryFailureAndIsReplaced() throws Exception {
    ScriptedSmtpServer server = server(new ScriptedSmtpServer());
    SmtpTransport transport = transport(server, "connections = 1");

    SendOutcome dropped = send(transport, TestLetters.to("drop@example.org"));
    SendOutcome next = send(transport, TestLetters.to("ann@example.org"));

    assertThat(dropped.status()).isEqualTo(SendStatus.TEMPORARY_FAILURE);
    assertThat(dropped.replyCodeIfKnown()).isEmpty();
    assertThat(dropped.detail()).contains("127.0.0.1:" + server.port());
    assertThat(next.status()).isEqualTo(SendStatus.SENT);
    assertThat(server.connections()).isEqualTo(2);
    // Dropping was not mistaken for a stale connection: the letter was not sent a second time.
    assertThat(server.commands()).filteredOn(c -> c.contains("drop@")).hasSize(1);
  }

  @Test
  void a421ClosesTheConnectionAndTheNextLetterOpensANewOne() throws Exception {
    ScriptedSmtpServer server = server(new ScriptedSmtpServer());
    SmtpTransport transport = transport(server, "connections = 1");

    SendOutcome closing = send(transport, TestLetters.to("rcpt421@example.org"));
    SendOutcome next = send(transport, TestLetters.to("ann@example.org"));

    assertThat(closing.status()).isEqualTo(SendStatus.TEMPORARY_FAILURE);
    assertThat(closing.replyCode()).isEqualTo(421);
    assertThat(next.status()).isEqualTo(SendStatus.SENT);
    assertThat(server.connections()).isEqualTo(2);
  }

  @Test
  void aServerThatClosedAnIdleConnectionCostsNoFailure() throws Exception {
    ScriptedSmtpServer server = server(new ScriptedSmtpServer().closingAfter(1));
    SmtpTransport transport = transport(server, "connections = 1");

    List<SendOutcome> outcomes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      outcomes.add(send(transport, TestLetters.to("r" + i + "@example.org")));
      // Let the server's close reach the client before the next letter.
      int connection = i;
      Eventually.within(
          Duration.ofSeconds(5),
          () -> {
            assertThat(server.transcripts()).hasSizeGreaterThan(connection);
            assertThat(server.transcripts().get(connection)).contains("(closed by the server)");
          });
    }

    assertThat(outcomes).allMatch(SendOutcome::isSent);
    assertThat(server.received()).hasSize(3);
    assertThat(server.connections()).isEqualTo(3);
  }

  @Test
  void aConnectionIsRecycledAfterTheConfiguredNumberOfLetters() throws Exception {
    ScriptedSmtpServer server = server(new ScriptedSmtpServer());
    SmtpTransport transport = transport(server, "connections = 1, letters-per-connection = 2");

    for (int i = 0; i < 5; i++) {
      assertThat(send(transport, TestLetters.to("r" + i + "@example.org")).isSent()).isTrue();
    }

    assertThat(server.connections()).isEqualTo(3);
    Eventually.within(
        Duration.ofSeconds(5),
        () -> {
          assertThat(server.transcripts().get(0)).endsWith("QUIT");
          assertThat(server.transcripts().get(1)).endsWith("QUIT");
        });
  }

  @Test
  void anIdleConnectionIsClosedPolitely() throws Exception {
    ScriptedSmtpServer server = server(new ScriptedSmtpServer());
    SmtpTransport transport = transport(server, "connections = 1, idle-timeout = 300ms");

    assertThat(send(transport, TestLetters.to("ann@example.org")).isSent()).isTrue();

    Eventually.within(
        Duration.ofSeconds(5), () -> assertThat(server.transcripts().get(0)).endsWith("QUIT"));
  }

  @Test
  void aRefusedConnectionIsATemporaryFailure() throws Exception {
    int unusedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      unusedPort = socket.getLocalPort();
    }
    SmtpTransport transport =
        closeLater(new SmtpTransport(TestSmtpSettings.local(unusedPort, "connections = 1")));

    SendOutcome outcome = send(transport, TestLetters.to("ann@example.org"));

    assertThat(outcome.status()).isEqualTo(SendStatus.TEMPORARY_FAILURE);
    assertThat(outcome.replyCodeIfKnown()).isEmpty();
    assertThat(outcome.detail()).contains("could not open a connection");
  }

  @Test
  void aServerThatDoesNotAnswerInTimeIsATemporaryFailure() throws Exception {
    ScriptedSmtpServer server = server(new ScriptedSmtpServer().slowReply(Duration.ofSeconds(3)));
    SmtpTransport transport = transport(server, "connections = 1, read-timeout = 300ms");

    SendOutcome outcome = send(transport, TestLetters.to("slow@example.org"));
    SendOutcome next = send(transport, TestLetters.to("ann@example.org"));

    assertThat(outcome.status()).isEqualTo(SendStatus.TEMPORARY_FAILURE);
    assertThat(outcome.detail()).containsIgnoringCase("timed out");
    assertThat(next.status()).isEqualTo(SendStatus.SENT);
    assertThat(server.connections()).isEqualTo(2);
  }

  @Test
  void aUtf8RecipientIsRefusedWithoutDataWhenTheServerLacksSmtpUtf8() throws Exception {
    ScriptedSmtpServer server = server(new ScriptedSmtpServer().withoutSmtpUtf8());
    SmtpTransport transport = transport(server, "connections = 1");

    SendOutcome outcome = send(transport, TestLetters.to("josé@example.org"));

    assertThat(outcome.status()).isEqualTo(SendStatus.PERMANENT_FAILURE);
    assertThat(outcome.detail()).contains("josé@example.org").contains("SMTPUTF8");
    assertThat(server.commands()).noneMatch(c -> c.startsWith("MAIL") || c.equals("DATA"));
    // The connection stays good for the next letter.
    assertThat(send(transport, TestLetters.to("ann@example.org")).isSent()).isTrue();
    assertThat(server.connections()).isEqualTo(1);
  }

  @Test
  void aUtf8RecipientIsSentWithSmtpUtf8WhenTheServerOffersIt() throws Exception {
    ScriptedSmtpServer server = server(new ScriptedSmtpServer());
    SmtpTransport transport = transport(server, "connections = 1");

    SendOutcome outcome = send(transport, TestLetters.to("josé@example.org"));

    assertThat(outcome.status()).isEqualTo(SendStatus.SENT);
    assertThat(server.commands())
        .contains("RCPT TO:<josé@example.org>")
        .anyMatch(
            c -> c.startsWith("MAIL FROM:<" + TestLetters.SENDER + ">") && c.contains("SMTPUTF8"));
  }

  @Test
  void anAsciiLetterDoesNotAskForSmtpUtf8() throws Exception {
    ScriptedSmtpServer server = server(new ScriptedSmtpServer());
    SmtpTransport transport = transport(server, "connections = 1");

    send(transport, TestLetters.to("ann@example.org"));

    assertThat(server.commands())
        .filteredOn(c -> c.startsWith("MAIL FROM:"))
        .singleElement()
        .satisfies(c -> assertThat(c).doesNotContain("SMTPUTF8"));
  }

  @Test
  void anInternationalDomainTravelsInItsAsciiForm() throws Exception {
    ScriptedSmtpServer server = server(new ScriptedSmtpServer().withoutSmtpUtf8());
    SmtpTransport transport = transport(server, "connections = 1");

    SendOutcome outcome = send(transport, TestLetters.to("ann@bücher.example"));

    assertThat(outcome.status()).isEqualTo(SendStatus.SENT);
    assertThat(server.commands()).contains("RCPT TO:<ann@xn--bcher-kva.example>");
  }

  @Test
  void startTlsAndLoginAreUsedWhenConfigured() throws Exception {
    ScriptedSmtpServer server =
        server(new ScriptedSmtpServer().withStartTls().withLogin("herald", "s3cret"));
    SmtpTransport transport =
        transport(
            server,
            "connections = 1, tls = starttls, trust-hosts = \"127.0.0.1\", user = herald,"
                + " password = s3cret");

    SendOutcome outcome = send(transport, TestLetters.to("ann@example.org"));

    assertThat(outcome.status()).isEqualTo(SendStatus.SENT);
    List<String> commands = server.commands();
    assertThat(indexOfFirst(commands, "STARTTLS")).isLessThan(indexOfFirst(commands, "AUTH"));
    assertThat(indexOfFirst(commands, "AUTH")).isLessThan(indexOfFirst(commands, "MAIL FROM"));
  }

  @Test
  void startTlsChecksTheCertificateOfAnUntrustedHost() throws Exception {
    ScriptedSmtpServer server = server(new ScriptedSmtpServer().withStartTls());
    SmtpTransport transport =
        transport(server, "connections = 1, tls = starttls, trust-hosts = relay.example");

    SendOutcome outcome = send(transport, TestLetters.to("ann@example.org"));

    assertThat(outcome.status()).isEqualTo(SendStatus.TEMPORARY_FAILURE);
    assertThat(server.received()).isEmpty();
  }

  @Test
  void aRefusedLoginIsATemporaryFailureNotAVerdictOnTheRecipient() throws Exception {
    ScriptedSmtpServer server = server(new ScriptedSmtpServer().withLogin("herald", "s3cret"));
    SmtpTransport transport = transport(server, "connections = 1, user = herald, password = wrong");

    SendOutcome outcome = send(transport, TestLetters.to("ann@example.org"));

    assertThat(outcome.status()).isEqualTo(SendStatus.TEMPORARY_FAILURE);
    assertThat(outcome.detail()).contains("could not open a connection");
    assertThat(server.commands()).noneMatch(c -> c.startsWith("MAIL"));
  }

  @Test
  void requiredStartTlsThatIsNotOfferedIsATemporaryFailure() throws Exception {
    ScriptedSmtpServer server = server(new ScriptedSmtpServer());
    SmtpTransport transport = transport(server, "connections = 1, tls = starttls");

    SendOutcome outcome = send(transport, TestLetters.to("ann@example.org"));

    assertThat(outcome.status()).isEqualTo(SendStatus.TEMPORARY_FAILURE);
    assertThat(outcome.detail()).contains("STARTTLS");
    assertThat(server.commands()).noneMatch(c -> c.startsWith("MAIL"));
  }

  @Test
  void closingAnswersWaitingLettersAndRefusesNewOnes() throws Exception {
    ScriptedSmtpServer server = server(new ScriptedSmtpServer().slowReply(Duration.ofMillis(500)));
    SmtpTransport transport = transport(server, "connections = 1");
    CompletionStage<SendOutcome> inHand = transport.send(TestLetters.to("slow@example.org"));
    Eventually.within(Duration.ofSeconds(5), () -> assertThat(server.commands()).contains("DATA"));
    CompletionStage<SendOutcome> waiting = transport.send(TestLetters.to("ann@example.org"));

    transport.close();

    assertThat(inHand.toCompletableFuture().get(5, TimeUnit.SECONDS).status())
        .isEqualTo(SendStatus.SENT);
    assertThat(waiting.toCompletableFuture().get(5, TimeUnit.SECONDS).status())
        .isEqualTo(SendStatus.TEMPORARY_FAILURE);
    SendOutcome afterClose = send(transport, TestLetters.to("bob@example.org"));
    assertThat(afterClose.status()).isEqualTo(SendStatus.TEMPORARY_FAILURE);
    assertThat(afterClose.detail()).contains("closed");
    assertThat(server.received()).hasSize(1);
  }

  @Test
  void aFullQueueAnswersTemporaryFailureRatherThanGrowing() throws Exception {
    ScriptedSmtpServer server = server(new ScriptedSmtpServer().slowReply(Duration.ofSeconds(1)));
    SmtpTransport transport = transport(server, "connections = 1, max-queued = 1");
    transport.send(TestLetters.to("slow@example.org"));
    Eventually.within(Duration.ofSeconds(5), () -> assertThat(server.commands()).contains("DATA"));
    transport.send(TestLetters.to("ann@example.org"));

    SendOutcome refused = send(transport, TestLetters.to("bob@example.org"));

    assertThat(refused.status()).isEqualTo(SendStatus.TEMPORARY_FAILURE);
    assertThat(refused.detail()).contains("saturated");
  }

  private SendOutcome sendOneTo(String recipient) throws Exception {
    ScriptedSmtpServer server = server(new ScriptedSmtpServer());
    return send(transport(server, "connections = 1"), TestLetters.to(recipient));
  }

  private static SendOutcome send(MailTransport transport, OutgoingLetter letter) throws Exception {
    return transport.send(letter).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private ScriptedSmtpServer server(ScriptedSmtpServer server) {
    return closeLater(server);
  }

  private SmtpTransport transport(ScriptedSmtpServer server, String hocon) {
    return closeLater(new SmtpTransport(TestSmtpSettings.local(server.port(), hocon)));
  }

  private <T extends AutoCloseable> T closeLater(T resource) {
    resources.add(resource);
    return resource;
  }

  private static int indexOfFirst(List<String> commands, String prefix) {
    for (int i = 0; i < commands.size(); i++) {
      if (commands.get(i).startsWith(prefix)) {
        return i;
      }
    }
    throw new AssertionError("no command starting with " + prefix + " in " + commands);
  }
}
