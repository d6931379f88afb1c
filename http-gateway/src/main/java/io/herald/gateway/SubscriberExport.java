package io.herald.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import io.herald.gateway.SubscriberDirectory.Page;
import io.herald.protocol.SubscriberProtocol.Subscriber;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Subscribers as a CSV file that the import reads back: {@code email,name,status,created_at}, then
 * one column per top-level attribute key found in the exported rows (sorted; objects and arrays as
 * JSON text). The rows are read twice in keyset pages, once for the attribute keys the header needs
 * and once to write them, so memory stays flat whatever the size. A cell that a spreadsheet would
 * run as a formula is neutralised with a leading {@code '}.
 */
public final class SubscriberExport {

  /** Rows per read-model page. */
  public static final int PAGE = 1000;

  /** Most attribute columns; keys past it are left out of the file. */
  public static final int MAX_ATTRIBUTE_COLUMNS = 1000;

  private SubscriberExport() {}

  /** Reads one page after a subscriber id (empty for the first). */
  public interface Pages extends BiFunction<Integer, Optional<String>, CompletionStage<Page>> {}

  /** The CSV file of every subscriber the pages hold, in id order. */
  public static Source<ByteString, NotUsed> csv(Pages pages, Materializer materializer) {
    return Source.completionStage(attributeKeys(pages, materializer))
        .flatMapConcat(
            keys ->
                Source.single(line(header(keys)))
                    .concat(walk(pages).map(page -> rows(page, keys))));
  }

  private static CompletionStage<List<String>> attributeKeys(
      Pages pages, Materializer materializer) {
    var keys = new TreeSet<String>();
    return walk(pages)
        .runFold(
            keys,
            (acc, page) -> {
              for (Subscriber s : page) {
                for (Iterator<String> names = s.attributes().fieldNames(); names.hasNext(); ) {
                  String name = names.next();
                  if (acc.size() < MAX_ATTRIBUTE_COLUMNS || acc.contains(name)) {
                    acc.add(name);
                  }
                }
              }
              return acc;
            },
            materializer)
        .thenApply(List::copyOf);
  }

  /** The pages one after another; a page is only read when the one before has been used. */
  private static Source<List<Subscriber>, NotUsed> walk(Pages pages) {
    return Source.unfoldAsync(
        Optional.of(Optional.<String>empty()),
        cursor -> {
          if (cursor.isEmpty()) {
            return CompletableFuture.completedFuture(Optional.empty());
          }
          return pages
              .apply(PAGE, cursor.get())
              .thenApply(
                  page -> {
                    List<Subscriber> items = page.items();
                    if (items.isEmpty()) {
                      return Optional.empty();
                    }
                    Optional<Optional<String>> next =
                        page.hasMore()
                            ? Optional.of(Optional.of(items.get(items.size() - 1).id()))
                            : Optional.empty();
                    return Optional.of(Pair.create(next, items));
                  });
        });
  }

  private static List<String> header(List<String> keys) {
    var header = new ArrayList<String>(4 + keys.size());
    header.addAll(List.of("email", "name", "status", "created_at"));
    header.addAll(keys);
    return header;
  }

  private static ByteString rows(List<Subscriber> page, List<String> keys) {
    var out = new StringWriter(page.size() * 128);
    try (CsvWriter csv = writer(out)) {
      for (Subscriber s : page) {
        var cells = new ArrayList<String>(4 + keys.size());
        cells.add(s.email());
        cells.add(s.name() == null ? "" : s.name());
        cells.add(s.status().name().toLowerCase(Locale.ROOT));
        cells.add(s.createdAt().toString());
        for (String key : keys) {
          JsonNode value = s.attributes().get(key);
          cells.add(
              value == null || value.isNull()
                  ? ""
                  : value.isValueNode() ? value.asText() : value.toString());
        }
        csv.writeRecord(cells.stream().map(SubscriberExport::neutralised).toList());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ByteString.fromString(out.toString());
  }

  private static ByteString line(List<String> cells) {
    var out = new StringWriter();
    try (CsvWriter csv = writer(out)) {
      csv.writeRecord(cells.stream().map(SubscriberExport::neutralised).toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ByteString.fromString(out.toString());
  }

  private static CsvWriter writer(StringWriter out) {
    return CsvWriter.builder().lineDelimiter(LineDelimiter.CRLF).build(out);
  }

  /**
   * The cell with a leading {@code '} when it starts with a character that makes a spreadsheet
   * treat it as a formula ({@code = + - @}, TAB or CR).
   */
  public static String neutralised(String cell) {
    if (cell.isEmpty()) {
      return cell;
    }
    char first = cell.charAt(0);
    return first == '='
            || first == '+'
            || first == '-'
            || first == '@'
            || first == '\t'
            || first == '\r'
        ? "'" + cell
        : cell;
  }
}
