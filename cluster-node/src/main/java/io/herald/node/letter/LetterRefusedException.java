package io.herald.node.letter;

/**
 * One recipient's letter cannot be made, whatever the number of attempts: their name or an
 * attribute used in a header holds a line break, an id cannot be carried in a URL, or the letter
 * grows past its limit. Send workers count it as a permanent failure for that recipient only.
 */
public final class LetterRefusedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** A refusal with the reason in plain words. */
  public LetterRefusedException(String message) {
    super(message);
  }
}
