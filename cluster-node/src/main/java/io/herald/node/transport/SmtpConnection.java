package io.herald.node.transport;

import io.herald.protocol.EmailAddress;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import jakarta.mail.internet.InternetAddress;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.IDN;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One persistent SMTP connection, opened on first use and reused for letter after letter. It is
 * owned by one sending thread and is not thread-safe.
 *
 * <p>A connection is replaced when it breaks, when the server says it is closing it, after the
 * configured number of letters, and after an idle spell. A server may also close a connection
 * silently between two letters (an idle timeout on its side); the next letter then fails before its
 * MAIL FROM is accepted, and since nothing of it was delivered it is tried once more on a new
 * connection rather than reported as a failure.
 */
final class SmtpConnection {

  private static final Logger log = LoggerFactory.getLogger(SmtpConnection.class);

  /**
   * Jakarta logs at INFO, on every connection to a server without SMTPUTF8, that it would have
   * liked it; Herald reports what matters (a letter that needs it) in the letter's outcome. Jakarta
   * names its java.util.logging logger after the package of the transport's class, which is this
   * package because of {@link Client}. Held here so that the level outlives garbage collection of
   * an otherwise unreferenced logger.
   */
  private static final java.util.logging.Logger JAKARTA_SMTP_LOG =
      java.util.logging.Logger.getLogger(SmtpConnection.class.getPackageName());

  static {
    JAKARTA_SMTP_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  private final SmtpSettings settings;
  private final String protocol;
  private final Properties properties;
  private final Session session;
  private final String name;
  private Client client;
  private int letters;
  private long lastUsed;
  private boolean failing;

  /**
   * @param properties Jakarta Mail properties for this connection alone: the envelope sender is set
   *     in them before each letter
   */
  SmtpConnection(SmtpSettings settings, Properties properties, String name) {
    this.settings = settings;
    this.protocol = settings.tls() == SmtpSettings.Tls.TLS ? "smtps" : "smtp";
    this.properties = properties;
    this.session = Session.getInstance(properties);
    this.name = name;
  }

  /** Hands one letter over, opening or replacing the connection as needed. */
  SendOutcome send(OutgoingLetter letter) {
    boolean reused = client != null;
    Attempt attempt = attempt(letter);
    if (reused && attempt.failedBeforeMail()) {
      log.debug(
          "{}: the server dropped the idle connection; sending {} on a new one",
          name,
          letter.messageId());
      attempt = attempt(letter);
    }
    lastUsed = System.nanoTime();
    return attempt.outcome();
  }

  /** Closes the connection if it has not been used for the idle timeout. */
  void closeIfIdle(long nowNanos) {
    if (client != null && nowNanos - lastUsed > settings.idleTimeout().toNanos()) {
      log.debug("{}: closing after {} idle", name, settings.idleTimeout());
      close();
    }
  }

  /** Says QUIT and closes, ignoring a server that is already gone. */
  void close() {
    Client closing = client;
    client = null;
    if (closing != null) {
      try {
        closing.close();
      } catch (MessagingException | RuntimeException e) {
        log.debug("{}: closing: {}", name, e.toString());
      }
    }
  }

  private Attempt attempt(OutgoingLetter letter) {
    if (client == null) {
      try {
        open();
      } catch (MessagingException | RuntimeException e) {
        close();
        SmtpFailure failure = SmtpFailure.of(e, "connect");
        noteConnectionFailure(failure);
        return new Attempt(failure.connectOutcome(settings.address()), false);
      }
    }
    String utf8Problem = utf8Problem(letter);
    if (utf8Problem != null) {
      return new Attempt(SendOutcome.permanentFailure(utf8Problem), false);
    }

    properties.setProperty("mail." + protocol + ".from", envelope(letter.sender()));
    client.startLetter(needsUtf8(letter));
    try {
      letters++;
      client.sendMessage(letter.message(), new Address[] {internetAddress(letter.recipient())});
      failing = false;
      SendOutcome outcome =
          SendOutcome.fromReply(client.getLastReturnCode(), client.getLastServerResponse());
      if (settings.lettersPerConnection() > 0 && letters >= settings.lettersPerConnection()) {
        log.debug("{}: recycling after {} letters", name, letters);
        close();
      }
      return new Attempt(outcome, false);
    } catch (MessagingException e) {
      SmtpFailure failure = SmtpFailure.of(e, client.stage);
      boolean beforeMail = client.stage.equals(Client.MAIL) && failure.breaksConnection();
      if (failure.breaksConnection()) {
        close();
        if (!beforeMail) {
          noteConnectionFailure(failure);
        }
      }
      return new Attempt(failure.outcome(settings.address()), beforeMail);
    } catch (RuntimeException e) {
      // A bug or a message that cannot be written: the conversation is in an unknown state.
      String stage = client.stage;
      close();
      return new Attempt(
          SendOutcome.temporaryFailure("sending failed at " + stage + ": " + e), false);
    }
  }

  private void open() throws MessagingException {
    Client opening =
        new Client(
            session,
            new URLName(protocol, settings.host(), settings.port(), null, null, null),
            protocol,
            settings.tls() == SmtpSettings.Tls.TLS);
    client = opening;
    if (settings.authenticates()) {
      opening.connect(settings.host(), settings.port(), settings.user(), settings.password());
    } else {
      opening.connect(settings.host(), settings.port(), null, null);
    }
    letters = 0;
    log.debug("{}: connected to {}", name, settings.address());
  }

  private String utf8Problem(OutgoingLetter letter) {
    if (!needsUtf8(letter) || client.supportsExtension("SMTPUTF8")) {
      return null;
    }
    String which = letter.recipient().needsSmtpUtf8() ? "recipient" : "envelope sender";
    EmailAddress address =
        letter.recipient().needsSmtpUtf8() ? letter.recipient() : letter.sender();
    return "the %s %s has a non-ASCII local part, which needs SMTPUTF8, and %s does not offer it"
        .formatted(which, address.value(), settings.address());
  }

  private void noteConnectionFailure(SmtpFailure failure) {
    // One warning when a working server starts failing, not one per letter while it stays down.
    if (!failing) {
      log.warn(
          "{}: {} failed at {}: {}", name, settings.address(), failure.stage(), failure.text());
      failing = true;
    } else {
      log.debug(
          "{}: {} failed at {}: {}", name, settings.address(), failure.stage(), failure.text());
    }
  }

  private static boolean needsUtf8(OutgoingLetter letter) {
    return letter.recipient().needsSmtpUtf8() || letter.sender().needsSmtpUtf8();
  }

  /** The address as the envelope carries it: the domain in its ASCII (IDNA) form. */
  private static String envelope(EmailAddress address) {
    return address.localPart() + "@" + IDN.toASCII(address.domain());
  }

  private static InternetAddress internetAddress(EmailAddress address) {
    // setAddress does not parse, so a UTF-8 local part, already validated, passes as it is.
    InternetAddress internet = new InternetAddress();
    internet.setAddress(envelope(address));
    return internet;
  }

  /**
   * @param failedBeforeMail the transaction failed before MAIL FROM was accepted, by a broken
   *     connection or a 421: nothing of the letter reached the server
   */
  private record Attempt(SendOutcome outcome, boolean failedBeforeMail) {}

  /**
   * Jakarta's SMTP client, told which step of the transaction it is in (so that a failure can say
   * where it happened, and a stale connection can be told from a refused letter), asking for
   * SMTPUTF8 only for letters that need it, and writing a {@link DataReady} letter to the server as
   * it is.
   *
   * <p>Jakarta passes every letter through a stream that looks at each byte for bare line ends and
   * leading dots; for a 20 KB letter already in wire form that pass cost about a seventh of the
   * node's CPU (measured with JFR on a campaign to smtp-sink), and its per-line writes each went
   * through the write-timeout wrapper of the socket. For a DataReady letter the stream returned by
   * {@link #data()} only collects the bytes, and {@link #finishData()} writes them and the closing
   * dot in one go to the buffered stream Jakarta itself writes commands to, so TLS, the write
   * timeout and the reply handling stay Jakarta's. That stream is a private field with no accessor;
   * should a later Jakarta version rename it, {@link #DIRECT_DATA} is null and every letter takes
   * Jakarta's own path, only slower ({@code SmtpTransportTest} fails to say so).
   */
  static final class Client extends SMTPTransport {

    static final String MAIL = "MAIL FROM";

    /** Jakarta's buffered stream to the server, or null when it cannot be reached. */
    static final VarHandle DIRECT_DATA = serverOutput();

    /** A letter buffer grown past this is dropped after the letter rather than kept. */
    private static final int KEPT_BUFFER_BYTES = 1 << 20;

    String stage = "connect";
    private boolean utf8Letter;
    private boolean direct;
    private LetterBytes pending = new LetterBytes();

    Client(Session session, URLName url, String protocol, boolean implicitTls) {
      super(session, url, protocol, implicitTls);
    }

    void startLetter(boolean needsUtf8) {
      stage = "start";
      utf8Letter = needsUtf8;
    }

    @Override
    public synchronized void sendMessage(Message message, Address[] addresses)
        throws MessagingException {
      direct = DIRECT_DATA != null && message instanceof DataReady;
      try {
        super.sendMessage(message, addresses);
      } finally {
        if (pending.capacity() > KEPT_BUFFER_BYTES) {
          pending = new LetterBytes();
        }
      }
    }

    @Override
    protected void mailFrom() throws MessagingException {
      stage = MAIL;
      super.mailFrom();
    }

    @Override
    protected void rcptTo() throws MessagingException {
      stage = "RCPT TO";
      super.rcptTo();
    }

    @Override
    protected OutputStream data() throws MessagingException {
      stage = "DATA";
      OutputStream jakartaData = super.data();
      if (!direct) {
        return jakartaData;
      }
      pending.reset();
      return pending;
    }

    @Override
    protected void finishData() throws IOException, MessagingException {
      stage = "end of DATA";
      if (!direct) {
        super.finishData();
        return;
      }
      pending.endData();
      OutputStream server = (OutputStream) DIRECT_DATA.get(this);
      pending.writeTo(server);
      server.flush();
      int code = readServerResponse();
      if (code != 250) {
        String reply = getLastServerResponse();
        if (code >= 400 && code != 421) {
          // As Jakarta does after a refused letter: the next one starts a clean transaction.
          issueCommand("RSET", -1);
        }
        throw new SMTPSendFailedException(".", code, reply, null, null, null, null);
      }
    }

    @Override
    protected void sendCommand(String command) throws MessagingException {
      // With mail.mime.allowutf8 Jakarta adds SMTPUTF8 to every MAIL FROM the server allows it
      // on. RFC 6531 asks for it only when the envelope or headers need it, and a relay may
      // refuse to pass a message so flagged to a next hop without SMTPUTF8.
      if (!utf8Letter && command.startsWith("MAIL FROM:")) {
        int end = command.indexOf('>');
        command =
            command.substring(0, end + 1) + command.substring(end + 1).replace(" SMTPUTF8", "");
      }
      super.sendCommand(command);
    }

    private static VarHandle serverOutput() {
      try {
        return MethodHandles.privateLookupIn(SMTPTransport.class, MethodHandles.lookup())
            .findVarHandle(SMTPTransport.class, "serverOutput", OutputStream.class);
      } catch (ReflectiveOperationException | RuntimeException e) {
        log.info(
            "Jakarta Mail's SMTP output is out of reach ({}); letters take its DATA stream",
            e.toString());
        return null;
      }
    }
  }

  /** The bytes of one DataReady letter, collected in a buffer reused letter after letter. */
  static final class LetterBytes extends ByteArrayOutputStream {

    LetterBytes() {
      super(32 * 1024);
    }

    /** Ends the last line if the letter did not, then adds the dot line that ends DATA. */
    synchronized void endData() {
      if (count < 2 || buf[count - 2] != '\r' || buf[count - 1] != '\n') {
        write('\r');
        write('\n');
      }
      write('.');
      write('\r');
      write('\n');
    }

    synchronized int capacity() {
      return buf.length;
    }
  }
}
