package io.herald.node.letter;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.Address;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The MimeMessage a letter carries goes through a real SMTP exchange unchanged. */
class LetterSmtpTest {

  private GreenMail smtp;

  @BeforeEach
  void start() {
    smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    smtp.start();
  }

  @AfterEach
  void stop() {
    smtp.stop();
  }

  @Test
  void aLetterSentOverSmtpArrivesWithItsMessageIdSubjectAndParts() throws Exception {
    Letter letter =
        Letters.compile("Grüße {{name}} 🎉", "<p>Hello {{name}}</p>").render(Letters.ann());
    Properties properties = new Properties();
    properties.setProperty("mail.smtp.from", "bounces@shop.example.com");
    Session session = Session.getInstance(properties);

    try (Transport transport = session.getTransport("smtp")) {
      transport.connect("127.0.0.1", smtp.getSmtp().getPort(), null, null);
      transport.sendMessage(
          letter.message(), new Address[] {new InternetAddress(letter.recipient().value())});
    }

    MimeMessage[] received = smtp.getReceivedMessages();
    assertThat(received).hasSize(1);
    assertThat(received[0].getMessageID()).isEqualTo(letter.messageId());
    assertThat(received[0].getSubject()).isEqualTo("Grüße Ann 🎉");
    MimeMultipart parts = (MimeMultipart) received[0].getContent();
    assertThat((String) parts.getBodyPart(0).getContent()).startsWith("Hello Ann");
    assertThat((String) parts.getBodyPart(1).getContent()).startsWith("<p>Hello Ann</p>");
  }
}
