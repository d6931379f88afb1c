package io.herald.node.transport;

/**
 * Marks a message that writes itself exactly as SMTP's DATA carries it: every line ends in CRLF, no
 * line is longer than 998 octets, and no line begins with a dot, so it needs neither line-end
 * conversion nor dot-stuffing (RFC 5321 section 4.5.2).
 *
 * <p>{@link SmtpTransport} hands such a message to the server in one write, without the
 * byte-by-byte pass Jakarta Mail's DATA stream makes over every letter to find line ends and
 * leading dots; other messages go through that stream as usual.
 */
public interface DataReady {}
