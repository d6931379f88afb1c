package io.herald.node.transport;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PickupDirectoryTransportTest {

  @TempDir Path root;

  private PickupDirectoryTransport transport;

  @AfterEach
  void close() {
    if (transport != null) {
      transport.close();
    }
  }

  @Test
  void eachLetterBecomesAnEmlFileThatParsesBack() throws Exception {
    transport = new PickupDirectoryTransport(root.resolve("pickup"));
    OutgoingLetter letter =
        TestLetters.letter(
            "bounce+42@herald.test", "ann@example.org", "<a1@herald.test>", "Hi Ann");

    SendOutcome outcome = send(letter);

    assertThat(outcome.status()).isEqualTo(SendStatus.SENT);
    assertThat(files()).containsExactly(root.resolve("pickup/a1@herald.test.eml"));
    MimeMessage parsed = parse(root.resolve("pickup/a1@herald.test.eml"));
    assertThat(parsed.getMessageID()).isEqualTo("<a1@herald.test>");
    assertThat(parsed.getSubject()).isEqualTo("Letter <a1@herald.test>");
    assertThat(parsed.getContent()).isEqualTo("Hi Ann");
    assertThat(parsed.getHeader("Return-Path", null)).isEqualTo("<bounce+42@herald.test>");
    assertThat(parsed.getHeader("Delivered-To", null)).isEqualTo("ann@example.org");
  }

  @Test
  void aRetryReplacesTheFileInsteadOfAddingOne() throws Exception {
    transport = new PickupDirectoryTransport(root);

    send(TestLetters.letter(TestLetters.SENDER, "ann@example.org", "<same@h.test>", "first"));
    send(TestLetters.letter(TestLetters.SENDER, "ann@example.org", "<same@h.test>", "second"));

    assertThat(files()).hasSize(1);
    assertThat(parse(files().get(0)).getContent()).isEqualTo("second");
  }

  @Test
  void manyLettersAtOnceEachGetTheirFileAndNoTemporaryFilesRemain() throws Exception {
    transport = new PickupDirectoryTransport(root, 4);
    List<CompletableFuture<SendOutcome>> results = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      results.add(transport.send(TestLetters.to("r" + i + "@example.org")).toCompletableFuture());
    }

    for (CompletableFuture<SendOutcome> result : results) {
      assertThat(result.get(30, TimeUnit.SECONDS).status()).isEqualTo(SendStatus.SENT);
    }
    assertThat(files()).hasSize(200).allMatch(file -> file.toString().endsWith(".eml"));
    try (Stream<Path> all = Files.list(root)) {
      assertThat(all.count()).isEqualTo(200);
    }
  }

  @Test
  void fileNamesStayInsideTheDirectoryAndNeverCollide() {
    assertThat(PickupDirectoryTransport.fileName("<abc.1@host.test>"))
        .isEqualTo("abc.1@host.test.eml");
    assertThat(PickupDirectoryTransport.fileName("abc.1@host.test"))
        .isEqualTo("abc.1@host.test.eml");

    String slashed = PickupDirectoryTransport.fileName("<a/b@host>");
    String underscored = PickupDirectoryTransport.fileName("<a_b@host>");
    assertThat(slashed).startsWith("a_b@host-").doesNotContain("/");
    assertThat(slashed).isNotEqualTo(underscored);
    assertThat(PickupDirectoryTransport.fileName("<a/b@host>")).isEqualTo(slashed);

    String escaping = PickupDirectoryTransport.fileName("<../../etc/passwd>");
    assertThat(escaping).doesNotContain("/").doesNotStartWith(".");
    assertThat(PickupDirectoryTransport.fileName("<" + "x".repeat(1000) + "@h>").length())
        .isLessThan(160);
  }

  @Test
  void aDiskThatRefusesTheWriteIsATemporaryFailure() throws Exception {
    Path directory = root.resolve("gone");
    transport = new PickupDirectoryTransport(directory);
    // A plain file where the directory was: the write fails whoever runs the test, root too.
    Files.delete(directory);
    Files.writeString(directory, "not a directory");

    SendOutcome outcome = send(TestLetters.to("ann@example.org"));

    assertThat(outcome.status()).isEqualTo(SendStatus.TEMPORARY_FAILURE);
    assertThat(outcome.detail()).contains("cannot write");
  }

  @Test
  void aClosedTransportAnswersTemporaryFailure() throws Exception {
    transport = new PickupDirectoryTransport(root);
    transport.close();

    SendOutcome outcome = send(TestLetters.to("ann@example.org"));

    assertThat(outcome.status()).isEqualTo(SendStatus.TEMPORARY_FAILURE);
    assertThat(files()).isEmpty();
  }

  private SendOutcome send(OutgoingLetter letter) throws Exception {
    return transport.send(letter).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private List<Path> files() throws IOException {
    try (Stream<Path> all = Files.list(transport.directory())) {
      return all.filter(path -> path.toString().endsWith(".eml")).sorted().toList();
    }
  }

  private static MimeMessage parse(Path file) throws Exception {
    try (InputStream in = Files.newInputStream(file)) {
      return new MimeMessage(TestLetters.SESSION, in);
    }
  }
}
