package io.herald.node.imports;

import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import io.herald.gateway.ApiError;
import io.herald.gateway.ImportPorts;
import io.herald.gateway.Secrets;
import io.herald.gateway.SubscriberExport;
import io.herald.protocol.ImportProtocol;
import io.herald.protocol.ImportProtocol.ImportSpec;
import io.herald.protocol.ImportProtocol.ImportStatus;
import io.herald.protocol.ImportProtocol.Status;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.FileIO;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * The node's side of the import routes. An upload is written to {@code <dataDir>/imports/<id>}, its
 * first bytes and header are checked at once (so a PNG, an empty file or a header without an email
 * column is answered 415 or 422 instead of becoming a failed job), and then the job starts. The job
 * runs where sharding places it, and reads the file from that node's disk.
 */
public final class NodeImports implements ImportPorts {

  private static final int ERRORS_PAGE = 1000;

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final JdbcImportErrors errors;
  private final Path directory;
  private final long maxFileBytes;
  private final ZipLimits zipLimits;
  private final AddressBookColumns.Limits limits;
  private final Duration askTimeout;
  private final Executor blocking;

  /** Imports kept under {@code directory}, checked with the given limits. */
  public NodeImports(
      ActorSystem<?> system,
      JdbcImportErrors errors,
      Path directory,
      long maxFileBytes,
      ZipLimits zipLimits,
      AddressBookColumns.Limits limits,
      Duration askTimeout,
      Executor blocking) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.errors = errors;
    this.directory = directory;
    this.maxFileBytes = maxFileBytes;
    this.zipLimits = zipLimits;
    this.limits = limits;
    this.askTimeout = askTimeout;
    this.blocking = blocking;
  }

  @Override
  public long maxFileBytes() {
    return maxFileBytes;
  }

  @Override
  public CompletionStage<ImportStatus> start(ImportRequest request, Source<ByteString, ?> body) {
    String id = Secrets.newId("imp");
    Path file = directory.resolve(id);
    var spec =
        new ImportSpec(
            request.account().id(),
            id,
            request.listId(),
            request.account().partitions(),
            request.mode(),
            request.format(),
            file.toString(),
            request.delimiter(),
            request.encoding(),
            request.sheet());
    return CompletableFuture.runAsync(this::createDirectory, blocking)
        .thenCompose(done -> body.runWith(FileIO.toPath(file), system))
        .thenComposeAsync(written -> checkHead(spec), blocking)
        .whenComplete(
            (ok, failure) -> {
              if (failure != null) {
                deleteQuietly(file);
              }
            })
        .thenCompose(
            checked ->
                sharding
                    .entityRefFor(
                        ImportProtocol.TYPE_KEY, ImportProtocol.entityId(spec.accountId(), id))
                    .<ImportProtocol.Reply>ask(
                        replyTo -> new ImportProtocol.Start(spec, replyTo), askTimeout))
        .thenApply(reply -> ((Status) reply).status());
  }

  /** Opens the file as the job will and reads its header; refuses it when that fails. */
  private CompletionStage<Void> checkHead(ImportSpec spec) {
    try (AddressBookReader reader = ImportPipeline.openReader(spec, zipLimits)) {
      AddressBookColumns.of(reader.header(), limits, true);
      return CompletableFuture.completedFuture(null);
    } catch (ImportFileException e) {
      throw e.wrongType()
          ? new ApiError(StatusCodes.UNSUPPORTED_MEDIA_TYPE, "unsupported_file", e.getMessage())
          : ApiError.unprocessable("invalid_file", e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public CompletionStage<Optional<ImportStatus>> status(String accountId, String importId) {
    return sharding
        .entityRefFor(ImportProtocol.TYPE_KEY, ImportProtocol.entityId(accountId, importId))
        .<ImportProtocol.Reply>ask(ImportProtocol.Get::new, askTimeout)
        .thenApply(
            reply ->
                reply instanceof Status s
                    ? Optional.of(s.status())
                    : Optional.<ImportStatus>empty());
  }

  @Override
  public Source<ByteString, NotUsed> errorsCsv(String accountId, String importId) {
    Source<ByteString, NotUsed> pages =
        Source.unfoldAsync(
            0L,
            after ->
                after < 0
                    ? CompletableFuture.completedFuture(Optional.empty())
                    : errors
                        .page(accountId, importId, after, ERRORS_PAGE)
                        .thenApply(
                            rows -> {
                              if (rows.isEmpty()) {
                                return Optional.empty();
                              }
                              long next =
                                  rows.size() < ERRORS_PAGE ? -1 : rows.get(rows.size() - 1).row();
                              return Optional.of(Pair.create(next, csv(rows)));
                            }));
    return Source.single(csv(List.of())).concat(pages);
  }

  /** Rows as CSV text; no rows gives the header line. */
  private static ByteString csv(List<JdbcImportErrors.RejectedRow> rows) {
    StringWriter out = new StringWriter();
    CsvWriter writer = CsvWriter.builder().lineDelimiter(LineDelimiter.CRLF).build(out);
    if (rows.isEmpty()) {
      writer.writeRecord("row", "email", "reason");
    }
    for (var row : rows) {
      // The address cell is whatever the uploaded file held: keep spreadsheets from running it.
      writer.writeRecord(
          String.valueOf(row.row()),
          SubscriberExport.neutralised(row.email() == null ? "" : row.email()),
          SubscriberExport.neutralised(row.reason()));
    }
    try {
      writer.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ByteString.fromString(out.toString());
  }

  private void createDirectory() {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new CompletionException(e);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // A file left behind holds no one's data but the uploader's; the next start may remove it.
    }
  }
}
