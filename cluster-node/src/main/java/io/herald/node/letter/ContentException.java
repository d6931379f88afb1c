package io.herald.node.letter;

/**
 * Campaign content that cannot be sent, with where the problem is, so that an editor can point at
 * it: the field ({@code subject}, {@code fromName}, {@code fromEmail}, {@code replyTo}, {@code
 * html} or {@code text}), the line and column (both from 1), and what is wrong in plain words.
 *
 * <p>Line and column are 0 when the problem is the field as a whole, such as its size.
 */
public final class ContentException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String field;
  private final int line;
  private final int column;
  private final String problem;

  /** A problem at a place in a field. */
  public ContentException(String field, int line, int column, String problem) {
    super(describe(field, line, column, problem));
    this.field = field;
    this.line = line;
    this.column = column;
    this.problem = problem;
  }

  /** A problem with a field as a whole. */
  public ContentException(String field, String problem) {
    this(field, 0, 0, problem);
  }

  /** The field at fault. */
  public String field() {
    return field;
  }

  /** The line of the problem, from 1; 0 when it concerns the whole field. */
  public int line() {
    return line;
  }

  /** The column of the problem, in characters from 1; 0 when it concerns the whole field. */
  public int column() {
    return column;
  }

  /** What is wrong, without the field and position. */
  public String problem() {
    return problem;
  }

  private static String describe(String field, int line, int column, String problem) {
    return line > 0
        ? field + " (line " + line + ", column " + column + "): " + problem
        : field + ": " + problem;
  }
}
