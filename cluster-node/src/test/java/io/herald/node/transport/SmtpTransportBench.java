package io.herald.node.transport;

import com.typesafe.config.ConfigFactory;
import io.herald.protocol.EmailAddress;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.util.SharedByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;

/**
 * Letters per second that {@link SmtpTransport} pushes into an SMTP server that discards them
 * (Postfix's smtp-sink), to compare with what Postfix's own smtp-source achieves against the same
 * sink in the same run (bench/smtp-transport.sh runs both). Not a test.
 *
 * <p>The letters are built before the clock starts, from one shared 20 KB body, so the figure is
 * the transport's: connection handling, SMTP round trips and writing bytes. Each carries its own
 * Message-ID and recipient. A warm-up round runs first so that the JIT has done its work.
 *
 * <p>Args: host port letters connections [body-bytes] [warm-up-letters]. Example: {@code java -cp
 * ... io.herald.node.transport.SmtpTransportBench 127.0.0.1 2525 100000 16}
 */
public final class SmtpTransportBench {

  private SmtpTransportBench() {}

  /** Runs the bench and prints the letters per second. */
  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      System.err.println(
          "args: host port letters connections [body-bytes] [warm-up-letters] [wire|jakarta]");
      System.exit(2);
    }
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    int letters = Integer.parseInt(args[2]);
    int connections = Integer.parseInt(args[3]);
    int bodyBytes = args.length > 4 ? Integer.parseInt(args[4]) : 20 * 1024;
    int warmUp = args.length > 5 ? Integer.parseInt(args[5]) : Math.min(letters, 20_000);
    // wire: letters marked DataReady, as Herald's are; jakarta: through Jakarta's DATA stream.
    boolean wire = args.length <= 6 || args[6].equals("wire");

    SmtpSettings settings =
        SmtpSettings.fromConfig(
            ConfigFactory.parseString(
                    "host = \"%s\", port = %d, tls = none, connections = %d, max-queued = %d"
                        .formatted(host, port, connections, connections * 4))
                .withFallback(TestSmtpSettings.defaults()));
    byte[] template = template(bodyBytes);
    Session session = Session.getInstance(new Properties());

    try (SmtpTransport transport = new SmtpTransport(settings)) {
      run(transport, build(session, template, "warm", warmUp, wire));
      List<OutgoingLetter> measured = build(session, template, "bench", letters, wire);
      System.gc();

      long start = System.nanoTime();
      Map<SendStatus, Integer> outcomes = run(transport, measured);
      double seconds = (System.nanoTime() - start) / 1e9;

      System.out.printf(
          "SmtpTransport (%s): %d letters of %d body bytes over %d connections in %.2f s = %.0f"
              + " letters/s; outcomes %s%n",
          wire ? "DataReady letters" : "Jakarta's DATA stream",
          letters,
          bodyBytes,
          connections,
          seconds,
          letters / seconds,
          outcomes);
    }
  }

  /** Sends every letter, keeping twice the transport's concurrency in flight, as a stream would. */
  private static Map<SendStatus, Integer> run(MailTransport transport, List<OutgoingLetter> letters)
      throws InterruptedException {
    Semaphore inFlight = new Semaphore(transport.concurrency() * 2);
    CountDownLatch done = new CountDownLatch(letters.size());
    Map<SendStatus, Integer> outcomes = new EnumMap<>(SendStatus.class);
    for (OutgoingLetter letter : letters) {
      inFlight.acquire();
      transport
          .send(letter)
          .thenAccept(
              outcome -> {
                synchronized (outcomes) {
                  outcomes.merge(outcome.status(), 1, Integer::sum);
                }
                inFlight.release();
                done.countDown();
              });
    }
    done.await();
    return outcomes;
  }

  /**
   * Letters parsed from the shared template: a {@link SharedByteArrayInputStream} lets every
   * message point into the same bytes instead of holding a copy of its body.
   */
  private static List<OutgoingLetter> build(
      Session session, byte[] template, String prefix, int count, boolean wire)
      throws MessagingException {
    EmailAddress sender = EmailAddress.parse("bench@herald.test").orElseThrow();
    List<OutgoingLetter> letters = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      SharedByteArrayInputStream bytes = new SharedByteArrayInputStream(template);
      MimeMessage message =
          wire ? new WireMessage(session, bytes) : new MimeMessage(session, bytes);
      String messageId = "<" + prefix + "-" + i + "@herald.test>";
      message.setHeader("Message-ID", messageId);
      EmailAddress recipient = EmailAddress.parse("r" + i + "@sink.test").orElseThrow();
      letters.add(new OutgoingLetter(message, sender, recipient, messageId));
    }
    return letters;
  }

  private static byte[] template(int bodyBytes) {
    StringBuilder text =
        new StringBuilder(
            "From: Herald <news@herald.test>\r\n"
                + "To: subscriber@sink.test\r\n"
                + "Subject: Bench letter\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n"
                + "Content-Transfer-Encoding: 7bit\r\n"
                + "\r\n");
    String line = "The quick brown fox jumps over the lazy dog, again and again and again.\r\n";
    int body = 0;
    while (body + line.length() <= bodyBytes) {
      text.append(line);
      body += line.length();
    }
    text.append("x".repeat(Math.max(0, bodyBytes - body - 2))).append("\r\n");
    return text.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** The template is in wire form: CRLF lines of 74 octets, none beginning with a dot. */
  private static final class WireMessage extends MimeMessage implements DataReady {
    WireMessage(Session session, SharedByteArrayInputStream bytes) throws MessagingException {
      super(session, bytes);
    }
  }
}
