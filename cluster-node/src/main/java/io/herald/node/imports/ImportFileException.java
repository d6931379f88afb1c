package io.herald.node.imports;

/**
 * A file that cannot be imported at all: not the format it claims, no email column, empty, or
 * unsafe to open. Its message names the problem in words fit for the API; {@code wrongType} tells a
 * file of another type (answered 415 at upload) from one that is broken (422).
 */
public final class ImportFileException extends RuntimeException {

  private final boolean wrongType;

  /** A broken or unacceptable file. */
  public ImportFileException(String message) {
    this(message, false);
  }

  /** A file that is broken, or ({@code wrongType}) of another type than was said. */
  public ImportFileException(String message, boolean wrongType) {
    super(message, null, false, false);
    this.wrongType = wrongType;
  }

  /** Whether the file is of another type than its media type says. */
  public boolean wrongType() {
    return wrongType;
  }
}
