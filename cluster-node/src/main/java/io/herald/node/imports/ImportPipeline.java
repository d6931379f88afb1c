package io.herald.node.imports;

import io.herald.node.imports.AddressBookColumns.ParsedRow;
import io.herald.node.storage.DatabaseSettings;
import io.herald.protocol.EmailAddress;
import io.herald.protocol.ImportProtocol;
import io.herald.protocol.ImportProtocol.Checkpoint;
import io.herald.protocol.ImportProtocol.Format;
import io.herald.protocol.ImportProtocol.ImportSpec;
import io.herald.protocol.ImportProtocol.RowError;
import io.herald.protocol.SubscriberKeys;
import io.herald.protocol.SubscriberProtocol;
import io.herald.protocol.SubscriberProtocol.BulkUpserted;
import io.herald.protocol.SubscriberProtocol.RowRefusal;
import io.herald.protocol.SubscriberProtocol.SubscriberInput;
import io.herald.protocol.SubscriberProtocol.UpsertMany;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The import stream: reads the file row by row (on the blocking-I/O dispatcher), checks each row,
 * and groups a chunk of rows by the partition that owns each address into {@link UpsertMany}
 * commands of up to {@code rowsPerCommand} rows. A chunk is one row per command per partition
 * ({@code rowsPerCommand} times the partitions), so each partition gets about one full command per
 * chunk; {@code chunksInFlight} chunks are applied at once, which bounds memory and the load on the
 * partitions (back-pressure reaches the file reader). A chunk's rejected rows are stored in one
 * batch, then its checkpoint is emitted.
 */
public final class ImportPipeline implements ImportRunner {

  /**
   * How imports run.
   *
   * @param rowsPerCommand rows per {@link UpsertMany}, so per journal event of a partition
   * @param chunksInFlight chunks applied at once
   * @param askTimeout how long a partition may take to store one command
   */
  public record Settings(
      int rowsPerCommand,
      int chunksInFlight,
      Duration askTimeout,
      AddressBookColumns.Limits limits,
      ZipLimits zipLimits) {

    /**
     * The chunks in flight for a configured value: 0 means by database. The embedded H2 shares the
     * node's heap, and with a million subscribers held a second chunk in flight ran a 512 MiB node
     * out of memory; on MySQL the second chunk is worth 10 to 15 % more rows a second
     * (docs/benchmarks.md).
     */
    public static int chunksInFlight(int configured, DatabaseSettings.Kind kind) {
      if (configured > 0) {
        return configured;
      }
      return kind == DatabaseSettings.Kind.H2 ? 1 : 2;
    }
  }

  private final ClusterSharding sharding;
  private final JdbcImportErrors errors;
  private final Settings settings;

  /** A pipeline over the cluster's partitions, storing rejections in {@code errors}. */
  public ImportPipeline(ClusterSharding sharding, JdbcImportErrors errors, Settings settings) {
    this.sharding = sharding;
    this.errors = errors;
    this.settings = settings;
  }

  @Override
  public Source<Checkpoint, NotUsed> run(ImportSpec spec, long rowsRead, long lastRow) {
    int chunk = settings.rowsPerCommand() * Math.max(1, spec.partitions());
    Source<ParsedRow, NotUsed> rows =
        Source.unfoldResource(
            () -> FileRows.open(spec, settings.limits(), settings.zipLimits(), rowsRead),
            cursor -> Optional.ofNullable(cursor.next()),
            FileRows::close);
    // Rejections stored after the checkpoint will be stored again, so they go first. (A future of
    // null would be an empty source, hence the Done.)
    return Source.completionStage(
            errors
                .deleteAfter(spec.accountId(), spec.importId(), lastRow)
                .thenApply(deleted -> Done.getInstance()))
        .flatMapConcat(deleted -> rows)
        .grouped(chunk)
        .mapAsync(settings.chunksInFlight(), c -> apply(spec, c));
  }

  /** Opens the file of a spec, checks its header, and reads it from after {@code skip} rows. */
  static final class FileRows {
    private final AddressBookReader reader;
    private final AddressBookColumns columns;
    private final String listId;
    private long seq;

    private FileRows(AddressBookReader reader, AddressBookColumns columns, String listId) {
      this.reader = reader;
      this.columns = columns;
      this.listId = listId;
    }

    static FileRows open(
        ImportSpec spec, AddressBookColumns.Limits limits, ZipLimits zipLimits, long skip) {
      AddressBookReader reader = openReader(spec, zipLimits);
      try {
        var columns = AddressBookColumns.of(reader.header(), limits, spec.format() == Format.CSV);
        var rows = new FileRows(reader, columns, spec.listId());
        while (rows.seq < skip && reader.next() != null) {
          rows.seq++;
        }
        return rows;
      } catch (RuntimeException e) {
        closeQuietly(reader);
        throw e;
      }
    }

    private static void closeQuietly(AddressBookReader reader) {
      try {
        reader.close();
      } catch (java.io.IOException e) {
        // Only read.
      }
    }

    ParsedRow next() {
      SheetRow row = reader.next();
      if (row == null) {
        return null;
      }
      seq++;
      return columns.parse(seq, row, listId);
    }

    void close() throws java.io.IOException {
      reader.close();
    }
  }

  /** The reader of the spec's file, header read. */
  public static AddressBookReader openReader(ImportSpec spec, ZipLimits zipLimits) {
    Path file = Path.of(spec.file());
    return spec.format() == Format.XLSX
        ? XlsxAddressBook.open(file, spec.sheet(), zipLimits)
        : CsvAddressBook.open(file, spec.delimiter(), spec.encoding());
  }

  private CompletionStage<Checkpoint> apply(ImportSpec spec, List<ParsedRow> chunk) {
    int partitions = spec.partitions();
    List<List<ParsedRow>> byPartition = new ArrayList<>(partitions);
    for (int p = 0; p < partitions; p++) {
      byPartition.add(new ArrayList<>());
    }
    List<ParsedRow> rejected = new ArrayList<>();
    for (ParsedRow row : chunk) {
      if (row.input() == null) {
        rejected.add(row);
        continue;
      }
      String id =
          SubscriberKeys.subscriberId(
              spec.accountId(), EmailAddress.parse(row.input().email()).orElseThrow());
      byPartition.get(SubscriberKeys.partitionOf(id, partitions).orElseThrow()).add(row);
    }
    List<CompletableFuture<List<ParsedRow>>> commands = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      List<ParsedRow> slice = byPartition.get(p);
      for (int from = 0; from < slice.size(); from += settings.rowsPerCommand()) {
        var piece = slice.subList(from, Math.min(slice.size(), from + settings.rowsPerCommand()));
        commands.add(upsert(spec, p, piece).toCompletableFuture());
      }
    }
    return CompletableFuture.allOf(commands.toArray(CompletableFuture[]::new))
        .thenCompose(
            done -> {
              for (var command : commands) {
                rejected.addAll(command.join());
              }
              rejected.sort(Comparator.comparingLong(ParsedRow::row));
              long imported = chunk.size() - rejected.size();
              ParsedRow last = chunk.get(chunk.size() - 1);
              List<RowError> first =
                  rejected.stream()
                      .limit(ImportProtocol.ERRORS_KEPT)
                      .map(r -> new RowError(r.row(), r.reason()))
                      .toList();
              return errors
                  .insert(spec.accountId(), spec.importId(), rejected)
                  .thenApply(
                      stored ->
                          new Checkpoint(last.seq(), last.row(), imported, rejected.size(), first));
            });
  }

  /** Sends a partition its rows; answers the rows it refused, with the partition's reason. */
  private CompletionStage<List<ParsedRow>> upsert(
      ImportSpec spec, int partition, List<ParsedRow> rows) {
    List<SubscriberInput> inputs = new ArrayList<>(rows.size());
    for (ParsedRow row : rows) {
      inputs.add(row.input());
    }
    CompletionStage<BulkUpserted> reply =
        sharding
            .entityRefFor(
                SubscriberProtocol.TYPE_KEY, SubscriberKeys.entityId(spec.accountId(), partition))
            .ask(replyTo -> new UpsertMany(inputs, spec.mode(), replyTo), settings.askTimeout());
    return reply.thenApply(
        bulk -> {
          List<ParsedRow> refused = new ArrayList<>(bulk.refused().size());
          for (RowRefusal refusal : bulk.refused()) {
            ParsedRow row = rows.get(refusal.index());
            refused.add(new ParsedRow(row.seq(), row.row(), row.email(), null, refusal.reason()));
          }
          return refused;
        });
  }
}
