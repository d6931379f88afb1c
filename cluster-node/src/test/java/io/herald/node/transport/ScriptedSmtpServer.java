package io.herald.node.transport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * An SMTP server for tests that answers as its script says and records every conversation.
 *
 * <p>The script is chosen per letter by the recipient's local part, so one server plays every case:
 * {@code rcpt450}, {@code rcpt550} and {@code rcpt421} are refused at RCPT TO (421 then closes the
 * connection); {@code data451} and {@code data554} are refused at the end of DATA; {@code drop}
 * closes the connection in the middle of DATA; {@code slow} answers the end of DATA only after
 * {@link #slowReply}. Anything else is accepted. Server-wide options leave SMTPUTF8 out of EHLO,
 * offer STARTTLS (with GreenMail's self-signed test certificate), require AUTH PLAIN, or close each
 * connection silently after some letters, as a server's idle timeout would.
 */
final class ScriptedSmtpServer implements AutoCloseable {

  /** A letter the server accepted. */
  record Received(String mailFrom, String rcptTo, String data) {}

  private final ServerSocket serverSocket;
  private final ExecutorService handlers =
      Executors.newCachedThreadPool(
          runnable -> {
            Thread thread = new Thread(runnable, "scripted-smtp");
            thread.setDaemon(true);
            return thread;
          });
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger queueIds = new AtomicInteger();
  private final List<List<String>> transcripts = new CopyOnWriteArrayList<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();

  private volatile boolean smtpUtf8 = true;
  private volatile SSLContext tls;
  private volatile String user;
  private volatile String password;
  private volatile int closeAfterLetters;
  private volatile Duration slowReply = Duration.ofSeconds(2);

  ScriptedSmtpServer() {
    try {
      serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    handlers.execute(this::acceptLoop);
  }

  /** Leaves SMTPUTF8 out of the EHLO reply. */
  ScriptedSmtpServer withoutSmtpUtf8() {
    smtpUtf8 = false;
    return this;
  }

  /** Offers STARTTLS. */
  ScriptedSmtpServer withStartTls() {
    tls = testCertificateContext();
    return this;
  }

  /** Offers AUTH PLAIN and refuses MAIL FROM until it succeeds with these credentials. */
  ScriptedSmtpServer withLogin(String user, String password) {
    this.user = user;
    this.password = password;
    return this;
  }

  /** Closes each connection without a word after it has accepted this many letters. */
  ScriptedSmtpServer closingAfter(int letters) {
    closeAfterLetters = letters;
    return this;
  }

  /** How long a {@code slow} recipient's letter waits for its reply. */
  ScriptedSmtpServer slowReply(Duration delay) {
    slowReply = delay;
    return this;
  }

  int port() {
    return serverSocket.getLocalPort();
  }

  /** Connections accepted so far. */
  int connections() {
    return connections.get();
  }

  /** The commands each connection sent, in order of connection. */
  List<List<String>> transcripts() {
    return List.copyOf(transcripts);
  }

  /** All commands of all connections. */
  List<String> commands() {
    return transcripts.stream().flatMap(List::stream).toList();
  }

  /** The letters accepted so far. */
  List<Received> received() {
    return List.copyOf(received);
  }

  @Override
  public void close() {
    try {
      serverSocket.close();
    } catch (IOException e) {
      // Already closed.
    }
    for (Socket socket : open) {
      try {
        socket.close();
      } catch (IOException e) {
        // Already closed.
      }
    }
    handlers.shutdownNow();
  }

  private void acceptLoop() {
    while (!serverSocket.isClosed()) {
      try {
        Socket socket = serverSocket.accept();
        connections.incrementAndGet();
        open.add(socket);
        handlers.execute(() -> serve(socket));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket socket) {
    List<String> transcript = new CopyOnWriteArrayList<>();
    transcripts.add(transcript);
    try (socket) {
      new Conversation(socket, transcript).run();
    } catch (IOException e) {
      // The client went away; the transcript shows how far it got.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      open.remove(socket);
    }
  }

  /** One connection's state and its line-by-line exchange. */
  private final class Conversation {
    private final List<String> transcript;
    private Socket socket;
    private BufferedReader in;
    private OutputStream out;
    private boolean secured;
    private boolean authenticated = user == null;
    private String mailFrom;
    private String rcptTo;
    private int accepted;

    Conversation(Socket socket, List<String> transcript) throws IOException {
      this.transcript = transcript;
      attach(socket);
    }

    void run() throws IOException, InterruptedException {
      reply("220 scripted.test ESMTP");
      String line;
      while ((line = in.readLine()) != null) {
        transcript.add(line);
        String upper = line.toUpperCase(Locale.ROOT);
        if (upper.startsWith("EHLO")) {
          ehlo();
        } else if (upper.startsWith("HELO")) {
          reply("250 scripted.test");
        } else if (upper.equals("STARTTLS") && tls != null && !secured) {
          reply("220 2.0.0 Ready to start TLS");
          startTls();
        } else if (upper.startsWith("AUTH PLAIN")) {
          auth(line);
        } else if (upper.startsWith("MAIL FROM:")) {
          mail(line);
        } else if (upper.startsWith("RCPT TO:")) {
          if (!rcpt(line)) {
            return;
          }
        } else if (upper.equals("DATA")) {
          if (!data()) {
            return;
          }
        } else if (upper.equals("RSET")) {
          mailFrom = null;
          rcptTo = null;
          reply("250 2.0.0 Ok");
        } else if (upper.equals("NOOP")) {
          reply("250 2.0.0 Ok");
        } else if (upper.equals("QUIT")) {
          reply("221 2.0.0 Bye");
          return;
        } else {
          reply("502 5.5.2 Command not recognised");
        }
      }
    }

    private void ehlo() throws IOException {
      StringBuilder lines = new StringBuilder("250-scripted.test\r\n250-8BITMIME\r\n");
      if (smtpUtf8) {
        lines.append("250-SMTPUTF8\r\n");
      }
      if (tls != null && !secured) {
        lines.append("250-STARTTLS\r\n");
      }
      if (user != null) {
        lines.append("250-AUTH PLAIN\r\n");
      }
      lines.append("250 SIZE 10240000");
      reply(lines.toString());
    }

    private void auth(String line) throws IOException {
      String credentials = line.length() > "AUTH PLAIN".length() ? line.substring(11).strip() : "";
      if (credentials.isEmpty()) {
        reply("334 ");
        credentials = in.readLine();
        transcript.add("(credentials)");
      }
      String[] parts =
          new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8).split("\0");
      boolean valid = parts.length == 3 && parts[1].equals(user) && parts[2].equals(password);
      authenticated = valid;
      reply(valid ? "235 2.7.0 Authentication successful" : "535 5.7.8 Authentication failed");
    }

    private void mail(String line) throws IOException {
      if (!authenticated) {
        reply("530 5.7.0 Authentication required");
        return;
      }
      String sender = between(line, '<', '>');
      if (sender.startsWith("from553")) {
        reply("553 5.1.8 Sender address rejected");
        return;
      }
      mailFrom = sender;
      rcptTo = null;
      reply("250 2.1.0 Ok");
    }

    /**
     * @return false when the connection is to close
     */
    private boolean rcpt(String line) throws IOException {
      String address = between(line, '<', '>');
      if (mailFrom == null) {
        reply("503 5.5.1 Error: need MAIL command");
      } else if (address.startsWith("rcpt450")) {
        reply("450 4.2.1 Mailbox busy, try later");
      } else if (address.startsWith("rcpt550")) {
        reply("550 5.1.1 No such user");
      } else if (address.startsWith("rcpt421")) {
        reply("421 4.7.0 Too busy, closing");
        return false;
      } else {
        rcptTo = address;
        reply("250 2.1.5 Ok");
      }
      return true;
    }

    /**
     * @return false when the connection is to close
     */
    private boolean data() throws IOException, InterruptedException {
      if (rcptTo == null) {
        reply("503 5.5.1 Error: no valid recipients");
        return true;
      }
      reply("354 End data with <CR><LF>.<CR><LF>");
      StringBuilder data = new StringBuilder();
      String line;
      while ((line = in.readLine()) != null && !line.equals(".")) {
        if (rcptTo.startsWith("drop")) {
          transcript.add("(dropped during DATA)");
          return false;
        }
        data.append(line.startsWith(".") ? line.substring(1) : line).append("\r\n");
      }
      if (line == null) {
        return false;
      }
      transcript.add(".");
      String recipient = rcptTo;
      String sender = mailFrom;
      mailFrom = null;
      rcptTo = null;
      if (recipient.startsWith("slow")) {
        Thread.sleep(slowReply.toMillis());
      }
      if (recipient.startsWith("data451")) {
        reply("451 4.3.0 Local problem, try later");
      } else if (recipient.startsWith("data554")) {
        reply("554 5.7.1 Message refused as spam");
      } else {
        received.add(new Received(sender, recipient, data.toString()));
        accepted++;
        reply("250 2.0.0 Ok: queued as Q" + queueIds.incrementAndGet());
        if (closeAfterLetters > 0 && accepted >= closeAfterLetters) {
          transcript.add("(closed by the server)");
          return false;
        }
      }
      return true;
    }

    private void startTls() throws IOException {
      SSLSocket ssl =
          (SSLSocket)
              tls.getSocketFactory()
                  .createSocket(
                      socket, socket.getInetAddress().getHostAddress(), socket.getPort(), true);
      ssl.setUseClientMode(false);
      ssl.startHandshake();
      secured = true;
      attach(ssl);
    }

    private void attach(Socket next) throws IOException {
      socket = next;
      InputStream raw = next.getInputStream();
      in = new BufferedReader(new InputStreamReader(raw, StandardCharsets.UTF_8));
      out = next.getOutputStream();
    }

    private void reply(String text) throws IOException {
      out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
  }

  private static String between(String line, char open, char close) {
    int start = line.indexOf(open);
    int end = line.indexOf(close, start + 1);
    return start < 0 || end < 0 ? "" : line.substring(start + 1, end);
  }

  private static SSLContext testCertificateContext() {
    char[] secret = "changeit".toCharArray();
    try (InputStream keys = ScriptedSmtpServer.class.getResourceAsStream("/greenmail.p12")) {
      if (keys == null) {
        throw new IllegalStateException("greenmail.p12 is not on the test classpath");
      }
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(keys, secret);
      KeyManagerFactory factory =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(store, secret);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(factory.getKeyManagers(), null, null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot load the test certificate", e);
    }
  }
}
