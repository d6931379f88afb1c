package io.herald.node.transport;

import jakarta.mail.MessagingException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each letter as an {@code .eml} file into a directory, for a local mail server's pickup
 * directory, for development, and as the embedded node's default when no relay is configured.
 *
 * <p>The file is named after the letter's Message-ID, so that a retry of the same letter replaces
 * the earlier file rather than adding a duplicate. It is written under a hidden temporary name,
 * flushed to disk and then renamed atomically, so that a reader watching for {@code *.eml} never
 * sees half a letter. The envelope goes in front of the message as {@code Return-Path} and {@code
 * Delivered-To} headers, the ones a final delivery adds, since a file has no envelope of its own.
 *
 * <p>A letter is {@link SendStatus#SENT} once its file is in place; a disk that refuses the write
 * is a temporary failure, a message that cannot be written out at all a permanent one.
 */
public final class PickupDirectoryTransport implements MailTransport {

  private static final Logger log = LoggerFactory.getLogger(PickupDirectoryTransport.class);

  /** Longest name kept from a Message-ID, so that file names stay well under 255 bytes. */
  private static final int MAX_NAME_CHARS = 120;

  private static final int MAX_QUEUED = 1000;

  private final Path directory;
  private final int threads;
  private final ThreadPoolExecutor executor;

  /** Writes into {@code directory}, creating it if needed, on {@code threads} threads. */
  public PickupDirectoryTransport(Path directory, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("at least one thread is needed");
    }
    this.directory = directory.toAbsolutePath().normalize();
    this.threads = threads;
    try {
      Files.createDirectories(this.directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the pickup directory " + this.directory, e);
    }
    AtomicInteger count = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(MAX_QUEUED),
            runnable -> {
              Thread thread = new Thread(runnable, "herald-pickup-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    log.info("Pickup directory transport writing to {}", this.directory);
  }

  /** Writes into {@code directory} on two threads. */
  public PickupDirectoryTransport(Path directory) {
    this(directory, 2);
  }

  /** Where the files go. */
  public Path directory() {
    return directory;
  }

  @Override
  public CompletionStage<SendOutcome> send(OutgoingLetter letter) {
    try {
      return CompletableFuture.supplyAsync(() -> write(letter), executor);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.completedStage(
          SendOutcome.temporaryFailure(
              executor.isShutdown()
                  ? "the pickup transport was closed before writing"
                  : "the pickup transport is saturated: " + MAX_QUEUED + " letters waiting"));
    }
  }

  @Override
  public int concurrency() {
    return threads;
  }

  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** The file a letter with this Message-ID is written to. */
  public Path fileFor(String messageId) {
    return directory.resolve(fileName(messageId));
  }

  private SendOutcome write(OutgoingLetter letter) {
    Path target = fileFor(letter.messageId());
    Path temporary =
        directory.resolve(
            "."
                + target.getFileName()
                + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ".tmp");
    try {
      try (FileChannel channel =
          FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 65536);
        String envelope =
            "Return-Path: <"
                + letter.sender().value()
                + ">\r\n"
                + "Delivered-To: "
                + letter.recipient().value()
                + "\r\n";
        out.write(envelope.getBytes(StandardCharsets.UTF_8));
        letter.message().writeTo(out);
        out.flush();
        // SENT must survive a crash: the letter is not sent again once it is reported sent.
        channel.force(true);
      }
      Files.move(
          temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      log.debug("{} written to {}", letter.messageId(), target);
      return SendOutcome.sent("written to " + target);
    } catch (IOException e) {
      deleteQuietly(temporary);
      return SendOutcome.temporaryFailure("cannot write " + target + ": " + e);
    } catch (MessagingException e) {
      deleteQuietly(temporary);
      return SendOutcome.permanentFailure("the message cannot be written out: " + e);
    } catch (RuntimeException e) {
      deleteQuietly(temporary);
      return SendOutcome.temporaryFailure("writing " + target + " failed: " + e);
    }
  }

  /**
   * A file name for a Message-ID: the characters that are safe in a file name everywhere kept, the
   * others replaced by {@code _}. When anything had to change, a hash of the whole Message-ID is
   * added, so that two Message-IDs that read alike never share a file while the same one always
   * maps to the same file.
   */
  static String fileName(String messageId) {
    String id = messageId.strip();
    if (id.startsWith("<") && id.endsWith(">") && id.length() > 2) {
      id = id.substring(1, id.length() - 1);
    }
    StringBuilder safe = new StringBuilder(Math.min(id.length(), MAX_NAME_CHARS));
    for (int i = 0; i < id.length() && safe.length() < MAX_NAME_CHARS; i++) {
      char c = id.charAt(i);
      boolean keep =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '@'
              || c == '-'
              || c == '_'
              || c == '+'
              || c == '=';
      safe.append(keep ? c : '_');
    }
    if (safe.length() > 0 && safe.charAt(0) == '.') {
      safe.setCharAt(0, '_');
    }
    if (safe.length() == 0 || !safe.toString().equals(id)) {
      safe.append('-').append(shortHash(id));
    }
    return safe + ".eml";
  }

  private static String shortHash(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      log.debug("cannot delete {}: {}", path, e.toString());
    }
  }
}
