package io.herald.node.transport;

import jakarta.mail.MessagingException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * What went wrong with one SMTP transaction, dug out of the exceptions Jakarta Mail throws: the
 * server's reply when it gave one, otherwise the broken connection.
 *
 * <p>Jakarta reports a refused recipient as a {@code SendFailedException} whose chain holds an
 * {@link SMTPAddressFailedException}, and a refused MAIL FROM, DATA or end of DATA as an {@link
 * SMTPSendFailedException}; a dropped or timed-out connection carries no reply code at all.
 *
 * @param replyCode the server's reply code, or 0 when the connection failed without one
 * @param stage the step of the transaction that failed, in words
 * @param text the server's reply, or the failure's own message
 */
record SmtpFailure(int replyCode, String stage, String text) {

  /** RFC 4954's reply to a transaction attempted without the login the server requires. */
  static final int AUTHENTICATION_REQUIRED = 530;

  /** Classifies {@code failure}, which happened during {@code stage}. */
  static SmtpFailure of(Exception failure, String stage) {
    for (Exception link = failure; link != null; link = next(link)) {
      int code = -1;
      if (link instanceof SMTPAddressFailedException refused) {
        code = refused.getReturnCode();
      } else if (link instanceof SMTPSendFailedException refused) {
        code = refused.getReturnCode();
      }
      if (code >= 400 && code <= 599) {
        return new SmtpFailure(code, stage, oneLine(link.getMessage()));
      }
    }
    return new SmtpFailure(0, stage, describe(failure));
  }

  /** Whether the server answered with a reply code (and so the connection still speaks SMTP). */
  boolean isReply() {
    return replyCode != 0;
  }

  /**
   * Whether the connection must be replaced: it broke, or the server said it is closing it (421).
   * After any other refusal Jakarta has already sent RSET, so the next letter starts clean.
   */
  boolean breaksConnection() {
    return !isReply() || replyCode == 421;
  }

  /**
   * The outcome for the letter: refusals by their code, except a 530 (no login), and a broken
   * connection temporary.
   */
  SendOutcome outcome(String server) {
    if (!isReply()) {
      return SendOutcome.temporaryFailure(
          "connection to " + server + " failed at " + stage + ": " + text);
    }
    String detail = server + " refused " + stage + ": " + text;
    if (replyCode == AUTHENTICATION_REQUIRED) {
      // The relay wants a login the settings do not give: the transport's fault, not the letter's.
      return new SendOutcome(SendStatus.TEMPORARY_FAILURE, replyCode, detail);
    }
    return SendOutcome.fromReply(replyCode, detail);
  }

  /**
   * The outcome when no connection could be opened. Whatever the server answered on the way (a 5xx
   * to AUTH or STARTTLS included), the letter itself was never offered, so this is temporary: a
   * misconfigured relay must not make recipients look undeliverable.
   */
  SendOutcome connectOutcome(String server) {
    return SendOutcome.temporaryFailure(
        "could not open a connection to "
            + server
            + ": "
            + (isReply() ? replyCode + " " : "")
            + text);
  }

  private static Exception next(Exception link) {
    if (link instanceof MessagingException messaging && messaging.getNextException() != null) {
      return messaging.getNextException();
    }
    return link.getCause() instanceof Exception cause && cause != link ? cause : null;
  }

  /** The failure and its root cause in one line, e.g. "Read timed out". */
  private static String describe(Exception failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String own = oneLine(failure.getMessage());
    if (root == failure) {
      return own;
    }
    String cause = root.getClass().getSimpleName() + ": " + oneLine(root.getMessage());
    return own.isEmpty() ? cause : own + " (" + cause + ")";
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
  }
}
