package io.herald.gateway;

import io.herald.protocol.AccountProtocol.AccountSummary;
import io.herald.protocol.ImportProtocol.Format;
import io.herald.protocol.ImportProtocol.ImportStatus;
import io.herald.protocol.SubscriberProtocol.UpsertMode;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * What the node does for the import routes: keep the uploaded file on its disk and start the job,
 * and read jobs and their rejected rows.
 */
public interface ImportPorts {

  /**
   * An upload to import.
   *
   * @param delimiter the CSV delimiter, or null to detect it
   * @param encoding the CSV character set, or null to detect it
   * @param sheet the XLSX sheet, or null for the first
   */
  record ImportRequest(
      AccountSummary account,
      String listId,
      UpsertMode mode,
      Format format,
      String delimiter,
      String encoding,
      String sheet) {}

  /** The largest file an upload may carry. */
  long maxFileBytes();

  /**
   * Stores the file and starts its job. Fails with an {@link ApiError} when the file is too big
   * (413), of another type than said (415), or unusable from its first bytes or header (422).
   */
  CompletionStage<ImportStatus> start(ImportRequest request, Source<ByteString, ?> file);

  /** The account's import with this id, or empty. */
  CompletionStage<Optional<ImportStatus>> status(String accountId, String importId);

  /** Every rejected row of the import as CSV ({@code row,email,reason}), streamed. */
  Source<ByteString, NotUsed> errorsCsv(String accountId, String importId);
}
