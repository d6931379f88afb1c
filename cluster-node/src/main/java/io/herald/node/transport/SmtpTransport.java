package io.herald.node.transport;

import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.angus.mail.util.MailSSLSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends letters over a pool of persistent SMTP connections to one server (a relay or an ESP's SMTP
 * endpoint).
 *
 * <p>Each connection belongs to one sending thread of this transport, so the blocking I/O of
 * Jakarta Mail never runs on a dispatcher of the actor system. Letters wait in one bounded queue
 * and each thread takes the next, so a slow letter holds up only its own connection. A thread opens
 * its connection on its first letter and keeps it for the ones after (see {@link SmtpConnection}
 * for when it is replaced).
 *
 * <p>Outcomes follow the server's reply: 2xx sent, 4xx temporary, 5xx permanent. A connection that
 * cannot be opened, breaks or times out makes a temporary failure and is replaced for the next
 * letter. A letter whose envelope has a non-ASCII local part is refused permanently, without
 * starting a transaction, when the server does not offer SMTPUTF8.
 */
public final class SmtpTransport implements MailTransport {

  private static final Logger log = LoggerFactory.getLogger(SmtpTransport.class);

  /** How often an idle sending thread wakes to close an idle connection or notice close(). */
  private static final long POLL_MILLIS = 200;

  private final SmtpSettings settings;
  private final BlockingQueue<Job> queue;
  private final List<Thread> threads = new ArrayList<>();
  private final ScheduledThreadPoolExecutor writeTimeouts;
  private volatile boolean closed;

  /** Starts the sending threads; connections open when the first letters arrive. */
  public SmtpTransport(SmtpSettings settings) {
    this.settings = settings;
    this.queue = new ArrayBlockingQueue<>(settings.maxQueued());
    // Jakarta enforces the write timeout with a scheduler; one shared by all connections, rather
    // than the thread per connection it would otherwise start.
    this.writeTimeouts =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, "herald-smtp-write-timeouts");
              thread.setDaemon(true);
              return thread;
            });
    writeTimeouts.setRemoveOnCancelPolicy(true);
    for (int i = 1; i <= settings.connections(); i++) {
      String name = "herald-smtp-" + i;
      SmtpConnection connection = new SmtpConnection(settings, properties(), name);
      Thread thread = new Thread(() -> run(connection), name);
      thread.setDaemon(true);
      threads.add(thread);
    }
    threads.forEach(Thread::start);
    log.info("SMTP transport to {} started: {}", settings.address(), settings);
  }

  @Override
  public CompletionStage<SendOutcome> send(OutgoingLetter letter) {
    if (closed) {
      return CompletableFuture.completedStage(closedOutcome());
    }
    Job job = new Job(letter, new CompletableFuture<>());
    if (!queue.offer(job)) {
      return CompletableFuture.completedStage(
          SendOutcome.temporaryFailure(
              "the SMTP transport is saturated: " + settings.maxQueued() + " letters waiting"));
    }
    // close() may have drained the queue between the check above and the offer.
    if (closed && queue.remove(job)) {
      job.result().complete(closedOutcome());
    }
    return job.result().minimalCompletionStage();
  }

  @Override
  public int concurrency() {
    return settings.connections();
  }

  /** The settings this transport was started with. */
  public SmtpSettings settings() {
    return settings;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    long deadline =
        System.nanoTime()
            + settings.readTimeout().toNanos()
            + settings.writeTimeout().toNanos()
            + TimeUnit.SECONDS.toNanos(1);
    for (Thread thread : threads) {
      try {
        thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    List<Job> left = new ArrayList<>();
    queue.drainTo(left);
    left.forEach(job -> job.result().complete(closedOutcome()));
    writeTimeouts.shutdownNow();
    log.info(
        "SMTP transport to {} closed; {} waiting letters answered as temporary failures",
        settings.address(),
        left.size());
  }

  private void run(SmtpConnection connection) {
    try {
      while (!closed) {
        Job job = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
        if (job == null) {
          connection.closeIfIdle(System.nanoTime());
          continue;
        }
        SendOutcome outcome;
        try {
          outcome = connection.send(job.letter());
        } catch (RuntimeException e) {
          log.error(
              "{}: unexpected failure sending {}",
              Thread.currentThread().getName(),
              job.letter().messageId(),
              e);
          connection.close();
          outcome = SendOutcome.temporaryFailure("unexpected failure: " + e);
        }
        log.debug("{} to {}: {}", job.letter().messageId(), job.letter().recipient(), outcome);
        job.result().complete(outcome);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      connection.close();
    }
  }

  private Properties properties() {
    String p = settings.tls() == SmtpSettings.Tls.TLS ? "mail.smtps." : "mail.smtp.";
    Properties props = new Properties();
    props.setProperty(p + "host", settings.host());
    props.setProperty(p + "port", Integer.toString(settings.port()));
    props.setProperty(p + "connectiontimeout", millis(settings.connectTimeout()));
    props.setProperty(p + "timeout", millis(settings.readTimeout()));
    props.setProperty(p + "writetimeout", millis(settings.writeTimeout()));
    props.put(p + "executor.writetimeout", writeTimeouts);
    props.setProperty(p + "auth", Boolean.toString(settings.authenticates()));
    if (settings.tls() == SmtpSettings.Tls.STARTTLS) {
      props.setProperty(p + "starttls.enable", "true");
      props.setProperty(p + "starttls.required", "true");
    }
    boolean trusted = settings.trustsCertificate();
    if (settings.tls() != SmtpSettings.Tls.NONE) {
      props.setProperty(p + "ssl.checkserveridentity", Boolean.toString(!trusted));
    }
    if (settings.tls() == SmtpSettings.Tls.TLS) {
      // Jakarta would ignore this factory if ssl.trust were set, so the trust goes into it.
      props.put(p + "ssl.socketFactory", NoDelaySockets.tls(tlsSockets(trusted)));
    } else {
      props.put(p + "socketFactory", NoDelaySockets.plain());
      if (trusted) {
        props.setProperty(p + "ssl.trust", settings.host());
      }
    }
    if (!settings.heloName().isEmpty()) {
      props.setProperty(p + "localhost", settings.heloName());
    }
    // Nothing waits for the server's goodbye; a slow 221 must not hold up a replacement.
    props.setProperty(p + "quitwait", "false");
    // Lets UTF-8 local parts through when the server offers SMTPUTF8 (see SmtpConnection.Client).
    props.setProperty("mail.mime.allowutf8", "true");
    return props;
  }

  /** The TLS socket factory for implicit TLS: the JVM's, or one that accepts any certificate. */
  private static SSLSocketFactory tlsSockets(boolean trusted) {
    if (!trusted) {
      return (SSLSocketFactory) SSLSocketFactory.getDefault();
    }
    try {
      MailSSLSocketFactory trusting = new MailSSLSocketFactory();
      // Only ever used for the one configured host, which the settings said to trust.
      trusting.setTrustAllHosts(true);
      return trusting;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS that trusts the relay", e);
    }
  }

  private static String millis(java.time.Duration duration) {
    return Long.toString(duration.toMillis());
  }

  private static SendOutcome closedOutcome() {
    return SendOutcome.temporaryFailure("the SMTP transport was closed before sending");
  }

  private record Job(OutgoingLetter letter, CompletableFuture<SendOutcome> result) {}
}
