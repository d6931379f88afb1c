package io.herald.node.api;

import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/** The letters a node's pickup directory holds, read back as MIME messages. */
final class PickupLetters {

  private PickupLetters() {}

  /** Every finished {@code .eml} file in the directory (none when it does not exist yet). */
  static List<MimeMessage> in(Path directory) {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    var letters = new ArrayList<MimeMessage>();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".eml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          letters.add(new MimeMessage(Session.getInstance(new Properties()), in));
        }
      }
    } catch (IOException | jakarta.mail.MessagingException e) {
      throw new IllegalStateException(e);
    }
    return letters;
  }

  /** The address a letter is to. */
  static String to(MimeMessage letter) {
    try {
      return ((InternetAddress) letter.getRecipients(MimeMessage.RecipientType.TO)[0]).getAddress();
    } catch (jakarta.mail.MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The addresses of every letter in the directory. */
  static List<String> recipients(Path directory) {
    return in(directory).stream().map(PickupLetters::to).toList();
  }
}
