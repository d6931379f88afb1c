package io.herald.node.imports;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.gateway.AttributeRules;
import io.herald.protocol.EmailAddress;
import io.herald.protocol.SubscriberProtocol.SubscriberInput;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What the header of an address book means: which column holds the address (required; {@code
 * email}, {@code e-mail}, {@code Email Address} and the like, in any case), which the name, and the
 * attribute each other column becomes. Turns each data row into a subscriber input or the reason it
 * is rejected.
 */
public final class AddressBookColumns {

  /** Header spellings of the address column, once lower-cased and stripped of all but letters. */
  private static final Set<String> EMAIL_HEADERS =
      Set.of("email", "emailaddress", "mail", "emailaddr", "mailaddress", "emails");

  private static final Set<String> NAME_HEADERS = Set.of("name", "fullname", "displayname");

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final int columns;
  private final int emailColumn;
  private final int nameColumn;
  private final String[] attributeKeys;
  private final List<String> headerNames;
  private final int maxCellChars;
  private final int maxNameLength;
  private final AttributeRules rules;
  private final boolean exactWidth;

  private AddressBookColumns(
      List<String> header, int email, int name, String[] keys, Limits limits, boolean exact) {
    this.exactWidth = exact;
    this.columns = header.size();
    this.headerNames = header;
    this.emailColumn = email;
    this.nameColumn = name;
    this.attributeKeys = keys;
    this.maxCellChars = limits.maxCellChars();
    this.maxNameLength = limits.maxNameLength();
    this.rules = limits.rules();
  }

  /** Limits on a row's cells, name and attributes. */
  public record Limits(int maxCellChars, int maxNameLength, AttributeRules rules) {}

  /** What a row became: an input, or (when {@code input} is null) the reason it was rejected. */
  public record ParsedRow(long seq, long row, String email, SubscriberInput input, String reason) {}

  /**
   * Reads the header.
   *
   * @param exactWidth whether every row must have as many cells as the header (CSV); otherwise only
   *     more cells than the header make a row ragged (XLSX leaves trailing empty cells out)
   * @throws ImportFileException when no column holds addresses
   */
  public static AddressBookColumns of(List<String> header, Limits limits, boolean exactWidth) {
    int email = -1;
    int name = -1;
    String[] keys = new String[header.size()];
    Set<String> taken = new HashSet<>();
    for (int i = 0; i < header.size(); i++) {
      String raw = header.get(i) == null ? "" : header.get(i).strip();
      String folded = raw.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]", "");
      if (email < 0 && EMAIL_HEADERS.contains(folded)) {
        email = i;
      } else if (name < 0 && NAME_HEADERS.contains(folded)) {
        name = i;
      } else if (!raw.isEmpty()) {
        keys[i] = uniqueKey(attributeKey(raw, i), taken);
      }
    }
    if (email < 0) {
      throw new ImportFileException(
          "no email column: the header must name one 'email' (or 'e-mail', 'Email Address');"
              + " it has "
              + preview(header));
    }
    return new AddressBookColumns(header, email, name, keys, limits, exactWidth);
  }

  /** A header turned into an attribute name: runs of other characters become '_'. */
  static String attributeKey(String header, int column) {
    String key = header.replaceAll("[^A-Za-z0-9_-]+", "_").replaceAll("^_+|_+$", "");
    if (key.length() > 64) {
      key = key.substring(0, 64);
    }
    return key.isEmpty() ? "column_" + (column + 1) : key;
  }

  private static String uniqueKey(String key, Set<String> taken) {
    String candidate = key;
    for (int n = 2; !taken.add(candidate); n++) {
      String suffix = "_" + n;
      candidate = key.substring(0, Math.min(key.length(), 64 - suffix.length())) + suffix;
    }
    return candidate;
  }

  private static String preview(List<String> header) {
    String joined = String.join(", ", header.stream().limit(10).toList());
    return joined.length() > 200 ? joined.substring(0, 200) + "..." : "[" + joined + "]";
  }

  /** The column names of the header. */
  public List<String> header() {
    return headerNames;
  }

  /** The row as an input for the given list, or its rejection. */
  public ParsedRow parse(long seq, SheetRow sheetRow, String listId) {
    List<Object> cells = sheetRow.cells();
    long row = sheetRow.row();
    Object emailCell = emailColumn < cells.size() ? cells.get(emailColumn) : null;
    String email = emailCell == null ? "" : XlsxAddressBook.text(emailCell).strip();
    if (cells.size() > columns || (exactWidth && cells.size() != columns)) {
      return rejected(
          seq, row, email, "the row has " + cells.size() + " cells; the header has " + columns);
    }
    for (int i = 0; i < cells.size(); i++) {
      if (cells.get(i) instanceof String s && s.length() > maxCellChars) {
        return rejected(
            seq,
            row,
            abbreviate(email),
            "the cell in column '"
                + columnName(i)
                + "' is longer than "
                + maxCellChars
                + " characters");
      }
    }
    String problem = EmailAddress.problem(email);
    if (problem != null) {
      return rejected(seq, row, email, "invalid email address: " + problem);
    }
    String name = null;
    if (nameColumn >= 0 && nameColumn < cells.size() && cells.get(nameColumn) != null) {
      name = XlsxAddressBook.text(cells.get(nameColumn)).strip();
      String nameProblem = nameProblem(name);
      if (nameProblem != null) {
        return rejected(seq, row, email, nameProblem);
      }
    }
    ObjectNode attributes = JSON.objectNode();
    int estimate = 2;
    for (int i = 0; i < cells.size(); i++) {
      Object cell = cells.get(i);
      if (cell == null || attributeKeys[i] == null) {
        continue;
      }
      String key = attributeKeys[i];
      if (cell instanceof BigDecimal number) {
        attributes.set(key, numberNode(number));
        estimate += key.length() + 32;
      } else if (cell instanceof Boolean b) {
        attributes.put(key, b);
        estimate += key.length() + 10;
      } else {
        String text = (String) cell;
        attributes.put(key, text);
        // A character takes at most six bytes as JSON (a \\u escape).
        estimate += key.length() + 6 * text.length() + 6;
      }
    }
    if (estimate > rules.maxBytes()) {
      String attributesProblem = rules.problem(attributes);
      if (attributesProblem != null) {
        return rejected(seq, row, email, attributesProblem);
      }
    }
    return new ParsedRow(
        seq,
        row,
        email,
        new SubscriberInput(
            email, name, attributes.isEmpty() ? null : attributes, List.of(listId), List.of()),
        null);
  }

  private String nameProblem(String name) {
    if (name.length() > maxNameLength) {
      return "the name is longer than " + maxNameLength + " characters";
    }
    for (int i = 0; i < name.length(); i++) {
      if (Character.isISOControl(name.charAt(i))) {
        return "the name contains a control character or line break";
      }
    }
    return null;
  }

  private static com.fasterxml.jackson.databind.JsonNode numberNode(BigDecimal number) {
    BigDecimal plain = number.stripTrailingZeros();
    if (plain.scale() <= 0 && plain.precision() - plain.scale() <= 18) {
      return JSON.numberNode(plain.longValueExact());
    }
    return JSON.numberNode(number);
  }

  private String columnName(int i) {
    if (i == emailColumn) {
      return headerNames.get(i);
    }
    return attributeKeys[i] != null ? attributeKeys[i] : headerNames.get(i);
  }

  private static ParsedRow rejected(long seq, long row, String email, String reason) {
    return new ParsedRow(seq, row, abbreviate(email), null, reason);
  }

  private static String abbreviate(String text) {
    return text.length() <= 320 ? text : text.substring(0, 320) + "...";
  }

  /** Rows rejected and kept, for the first errors of a status. */
  static List<ParsedRow> rejections(List<ParsedRow> rows) {
    var out = new ArrayList<ParsedRow>();
    for (ParsedRow r : rows) {
      if (r.input() == null) {
        out.add(r);
      }
    }
    return out;
  }
}
