package io.herald.gateway;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.gateway.ImportPorts.ImportRequest;
import io.herald.protocol.AccountProtocol.AccountSummary;
import io.herald.protocol.ImportProtocol.Format;
import io.herald.protocol.ImportProtocol.ImportStatus;
import io.herald.protocol.ImportProtocol.RowError;
import io.herald.protocol.SubscriberProtocol.UpsertMode;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaType;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.ContentDisposition;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * {@code POST /api/v1/lists/{id}/imports} and {@code /api/v1/imports/{id}}: address-book uploads
 * and their jobs. The upload is the body itself ({@code text/csv} or the XLSX media type) or the
 * file part of a {@code multipart/form-data} form, and is streamed to the node's disk: the 1 MiB
 * limit of JSON bodies is lifted here, for this route only, to the import limit.
 */
public final class ImportRoutes extends RouteSupport {

  /** The media type of XLSX workbooks. */
  public static final String XLSX_MEDIA_TYPE =
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

  private static final java.time.Duration UPLOAD_TIMEOUT = java.time.Duration.ofMinutes(30);

  private static final Pattern IMPORT_ID = Pattern.compile("imp_[a-z2-7]{16}");

  private final Accounts accounts;
  private final ImportPorts imports;

  /** Routes over the given accounts and the node's imports. */
  public ImportRoutes(
      ObjectMapper mapper,
      Responses responses,
      GatewaySettings settings,
      Accounts accounts,
      ImportPorts imports) {
    super(mapper, responses, settings);
    this.accounts = accounts;
    this.imports = imports;
  }

  /** An import as the API shows it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ImportView(
      String id,
      String listId,
      String mode,
      String status,
      long rowsTotal,
      long rowsImported,
      long rowsRejected,
      List<RowError> errors,
      String failure,
      Instant createdAt,
      Instant finishedAt) {

    static ImportView of(ImportStatus s) {
      return new ImportView(
          s.id(),
          s.listId(),
          s.mode().name().toLowerCase(Locale.ROOT),
          s.phase().name().toLowerCase(Locale.ROOT),
          s.rowsTotal(),
          s.rowsImported(),
          s.rowsRejected(),
          s.errors(),
          s.failure(),
          s.createdAt(),
          s.finishedAt());
    }
  }

  /** The routes for one authenticated account. */
  public Route routes(AccountSummary account) {
    return concat(
        pathPrefix(
            "lists",
            () ->
                pathPrefix(
                    PathMatchers.segment(),
                    listId ->
                        path(
                            "imports",
                            () ->
                                post(
                                    () ->
                                        parameterMap(params -> upload(account, listId, params)))))),
        pathPrefix(
            "imports",
            () ->
                pathPrefix(
                    PathMatchers.segment(),
                    id ->
                        concat(
                            pathEndOrSingleSlash(() -> get(() -> respond(() -> one(account, id)))),
                            path(
                                "errors.csv",
                                () -> get(() -> respond(() -> errors(account, id))))))));
  }

  private Route upload(AccountSummary account, String listId, Map<String, String> params) {
    // A large file takes longer to arrive and be checked than the server's request timeout.
    return withRequestTimeout(
        UPLOAD_TIMEOUT,
        () ->
            extractRequestEntity(
                entity ->
                    extractMaterializer(
                        materializer ->
                            respond(() -> start(account, listId, params, entity, materializer)))));
  }

  private CompletionStage<HttpResponse> start(
      AccountSummary account,
      String listId,
      Map<String, String> params,
      HttpEntity entity,
      Materializer materializer) {
    UpsertMode mode = mode(params.get("mode"));
    MediaType media = entity.getContentType().mediaType();
    String encoding =
        params.getOrDefault(
            "encoding",
            entity.getContentType().getCharsetOption().map(c -> c.value()).orElse(null));
    HttpEntity sized = entity.withSizeLimit(imports.maxFileBytes());
    return accounts
        .requireList(account, listId)
        .thenCompose(
            fresh -> {
              if (media.isMultipart()) {
                return multipart(fresh, listId, mode, params, encoding, sized, materializer);
              }
              var request =
                  new ImportRequest(
                      fresh,
                      listId,
                      mode,
                      format(media.toString(), null),
                      params.get("delimiter"),
                      encoding,
                      params.get("sheet"));
              return imports.start(request, sized.getDataBytes());
            })
        .exceptionally(
            failure -> {
              throw tooLarge(failure);
            })
        .thenApply(status -> responses.json(StatusCodes.ACCEPTED, ImportView.of(status)));
  }

  /** Imports the first file part of a form; other parts are read past. */
  private CompletionStage<ImportStatus> multipart(
      AccountSummary account,
      String listId,
      UpsertMode mode,
      Map<String, String> params,
      String encoding,
      HttpEntity sized,
      Materializer materializer) {
    return Unmarshaller.entityToMultipartFormData()
        .unmarshal(sized, materializer)
        .thenCompose(
            form ->
                form.getParts()
                    .mapAsync(
                        1,
                        part -> {
                          Optional<String> filename = part.getFilename();
                          if (filename.isEmpty() && !"file".equals(part.getName())) {
                            return part.getEntity()
                                .discardBytes(materializer)
                                .completionStage()
                                .thenApply(done -> Optional.<ImportStatus>empty());
                          }
                          var request =
                              new ImportRequest(
                                  account,
                                  listId,
                                  mode,
                                  format(
                                      part.getEntity().getContentType().mediaType().toString(),
                                      filename.orElse(null)),
                                  params.get("delimiter"),
                                  encoding,
                                  params.get("sheet"));
                          return imports
                              .start(request, part.getEntity().getDataBytes())
                              .thenApply(Optional::of);
                        })
                    .filter(Optional::isPresent)
                    .take(1)
                    .runWith(Sink.headOption(), materializer))
        .thenApply(
            found ->
                found
                    .flatMap(o -> o)
                    .orElseThrow(
                        () ->
                            ApiError.unprocessable(
                                "missing_file", "the form has no file part (named 'file')")));
  }

  private static UpsertMode mode(String raw) {
    if (raw == null) {
      return UpsertMode.SUBSCRIBE;
    }
    return switch (raw.toLowerCase(Locale.ROOT)) {
      case "subscribe" -> UpsertMode.SUBSCRIBE;
      case "update" -> UpsertMode.UPDATE;
      case "blocklist" -> UpsertMode.BLOCKLIST;
      default ->
          throw ApiError.unprocessable(
              "invalid_mode", "mode must be subscribe, update or blocklist, not '" + raw + "'");
    };
  }

  /** The format of a media type, or of a file name's extension when the type says nothing. */
  private static Format format(String mediaType, String filename) {
    String type = mediaType.toLowerCase(Locale.ROOT);
    if (type.equals("text/csv") || type.equals("application/csv") || type.equals("text/plain")) {
      return Format.CSV;
    }
    if (type.equals(XLSX_MEDIA_TYPE)) {
      return Format.XLSX;
    }
    if (filename != null && type.equals("application/octet-stream")) {
      String name = filename.toLowerCase(Locale.ROOT);
      if (name.endsWith(".csv") || name.endsWith(".txt")) {
        return Format.CSV;
      }
      if (name.endsWith(".xlsx")) {
        return Format.XLSX;
      }
    }
    throw new ApiError(
        StatusCodes.UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        "an import must be text/csv, "
            + XLSX_MEDIA_TYPE
            + " or multipart/form-data with such a file, not "
            + mediaType);
  }

  private CompletionStage<HttpResponse> one(AccountSummary account, String id) {
    return find(account, id)
        .thenApply(status -> responses.json(StatusCodes.OK, ImportView.of(status)));
  }

  private CompletionStage<HttpResponse> errors(AccountSummary account, String id) {
    return find(account, id)
        .thenApply(
            status ->
                HttpResponse.create()
                    .withStatus(StatusCodes.OK)
                    .withEntity(
                        HttpEntities.create(
                            ContentTypes.TEXT_CSV_UTF8, imports.errorsCsv(account.id(), id)))
                    .addHeader(
                        ContentDisposition.create(
                            org.apache.pekko.http.javadsl.model.headers.ContentDispositionTypes
                                .ATTACHMENT,
                            Map.of("filename", id + "-errors.csv"))));
  }

  private CompletionStage<ImportStatus> find(AccountSummary account, String id) {
    if (!IMPORT_ID.matcher(id).matches()) {
      return CompletableFuture.failedFuture(ApiError.notFound("import " + id));
    }
    return imports
        .status(account.id(), id)
        .thenApply(found -> found.orElseThrow(() -> ApiError.notFound("import " + id)));
  }

  private RuntimeException tooLarge(Throwable failure) {
    Throwable t = failure;
    while (t != null) {
      if (t instanceof EntityStreamSizeException) {
        return new ApiError(
            StatusCodes.PAYLOAD_TOO_LARGE,
            "file_too_large",
            "the file is larger than " + imports.maxFileBytes() + " bytes");
      }
      t = t.getCause();
    }
    return failure instanceof RuntimeException r
        ? r
        : new java.util.concurrent.CompletionException(failure);
  }
}
