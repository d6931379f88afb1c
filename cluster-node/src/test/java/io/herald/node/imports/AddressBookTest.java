package io.herald.node.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.gateway.AttributeRules;
import io.herald.gateway.JsonBody;
import io.herald.node.imports.AddressBookColumns.ParsedRow;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading CSV and XLSX address books into rows, and refusing files that are not. */
class AddressBookTest {

  private static final AddressBookColumns.Limits LIMITS =
      new AddressBookColumns.Limits(65536, 256, new AttributeRules(JsonBody.newMapper(), 5, 16384));
  private static final ZipLimits ZIP = new ZipLimits(100, 50_000_000, 200);

  @TempDir Path dir;

  private Path file(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }

  private Path csv(String text, Charset charset, byte... bom) throws IOException {
    byte[] body = text.getBytes(charset);
    byte[] all = new byte[bom.length + body.length];
    System.arraycopy(bom, 0, all, 0, bom.length);
    System.arraycopy(body, 0, all, bom.length, body.length);
    return file("book.csv", all);
  }

  private static List<ParsedRow> rows(AddressBookReader reader, boolean exactWidth) {
    var columns = AddressBookColumns.of(reader.header(), LIMITS, exactWidth);
    var out = new ArrayList<ParsedRow>();
    long seq = 0;
    for (SheetRow row = reader.next(); row != null; row = reader.next()) {
      out.add(columns.parse(++seq, row, "lst_1"));
    }
    return out;
  }

  private static List<ParsedRow> readCsv(Path file, String delimiter, String encoding)
      throws IOException {
    try (var reader = CsvAddressBook.open(file, delimiter, encoding)) {
      return rows(reader, true);
    }
  }

  private static JsonNode attributes(ParsedRow row) {
    return row.input().attributes();
  }

  @ParameterizedTest
  @ValueSource(strings = {",", ";", "\t", "|"})
  void theDelimiterIsDetected(String d) throws IOException {
    Path file =
        csv(
            "email" + d + "name" + d + "city\nann@example.com" + d + "Ann" + d + "Oslo\n",
            StandardCharsets.UTF_8);
    var rows = readCsv(file, null, null);
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).input().email()).isEqualTo("ann@example.com");
    assertThat(rows.get(0).input().name()).isEqualTo("Ann");
    assertThat(attributes(rows.get(0)).get("city").asText()).isEqualTo("Oslo");
  }

  @Test
  void aGivenDelimiterWinsOverDetection() throws IOException {
    Path file = csv("email;note\nann@example.com;a,b,c\n", StandardCharsets.UTF_8);
    var rows = readCsv(file, ";", null);
    assertThat(attributes(rows.get(0)).get("note").asText()).isEqualTo("a,b,c");
    assertThatThrownBy(() -> readCsv(file, "x", null))
        .isInstanceOf(ImportFileException.class)
        .hasMessageContaining("delimiter");
  }

  @Test
  void encodingsAndByteOrderMarksAreDetected() throws IOException {
    String text = "E-mail,Name\nzoe@example.com,Zoë Šimić\n";
    for (var charset : List.of(StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE)) {
      byte[] bom =
          charset == StandardCharsets.UTF_16LE
              ? new byte[] {(byte) 0xFF, (byte) 0xFE}
              : new byte[] {(byte) 0xFE, (byte) 0xFF};
      assertThat(readCsv(csv(text, charset, bom), null, null).get(0).input().name())
          .as(charset.name())
          .isEqualTo("Zoë Šimić");
      assertThat(readCsv(csv(text, charset), null, null).get(0).input().name())
          .as(charset.name() + " without BOM")
          .isEqualTo("Zoë Šimić");
    }
    var utf8 =
        readCsv(
            csv(text, StandardCharsets.UTF_8, (byte) 0xEF, (byte) 0xBB, (byte) 0xBF), null, null);
    assertThat(utf8.get(0).input().email()).isEqualTo("zoe@example.com");
    assertThat(utf8.get(0).input().name()).isEqualTo("Zoë Šimić");

    String latin = "email,name\nfrancois@example.com,François Gaëlle Müller\n";
    assertThat(readCsv(csv(latin, StandardCharsets.ISO_8859_1), null, null).get(0).input().name())
        .isEqualTo("François Gaëlle Müller");

    String cyrillic =
        "email,name,city\nivan@example.com,Иван Петрович Сидоров,Москва\n"
            + "olga@example.com,Ольга Николаевна Смирнова,Санкт-Петербург\n";
    var rows = readCsv(csv(cyrillic, Charset.forName("windows-1251")), null, null);
    assertThat(rows.get(1).input().name()).isEqualTo("Ольга Николаевна Смирнова");
    assertThat(readCsv(csv(latin, StandardCharsets.ISO_8859_1), null, "ISO-8859-1")).hasSize(1);
  }

  @Test
  void quotedNewlinesStayInTheirCell() throws IOException {
    var rows =
        readCsv(
            csv(
                "email,address\nann@example.com,\"1 Main St\nFlat 2\"\nbo@example.com,x\n",
                StandardCharsets.UTF_8),
            null,
            null);
    assertThat(rows).hasSize(2);
    assertThat(attributes(rows.get(0)).get("address").asText()).isEqualTo("1 Main St\nFlat 2");
    assertThat(rows.get(1).row()).isEqualTo(4);
  }

  @Test
  void raggedRowsHugeCellsAndBadAddressesAreRejectedRowsNotFailures() throws IOException {
    String huge = "x".repeat(70_000);
    var rows =
        readCsv(
            csv(
                "email,name,city\n"
                    + "ann@example.com,Ann\n"
                    + "bob@example.com,Bob,Oslo,extra\n"
                    + "cy@example.com,Cy,"
                    + huge
                    + "\n"
                    + "not an address,Dee,Rome\n"
                    + "eve@example.com,Eve,Lima\n",
                StandardCharsets.UTF_8),
            null,
            null);
    assertThat(rows).hasSize(5);
    assertThat(rows.get(0).reason()).contains("2 cells");
    assertThat(rows.get(1).reason()).contains("4 cells");
    assertThat(rows.get(2).reason()).contains("longer than 65536");
    assertThat(rows.get(3).reason()).contains("invalid email");
    assertThat(rows.get(4).input()).isNotNull();
    assertThat(rows).extracting(ParsedRow::row).containsExactly(2L, 3L, 4L, 5L, 6L);
  }

  @Test
  void attributesOverTheApiLimitAreRejected() throws IOException {
    String big = "y".repeat(9000);
    var rows =
        readCsv(
            csv("email,a,b\nann@example.com," + big + "," + big + "\n", StandardCharsets.UTF_8),
            null,
            null);
    assertThat(rows.get(0).reason()).contains("attributes take").contains("16384");
  }

  @Test
  void headersBecomeAttributeNamesAndEmptyCellsAreLeftOut() throws IOException {
    var rows =
        readCsv(
            csv(
                "EMAIL,First Name,first name,,Plan\nann@example.com,Ann,A2,zz,\n",
                StandardCharsets.UTF_8),
            null,
            null);
    JsonNode attributes = attributes(rows.get(0));
    assertThat(attributes.get("First_Name").asText()).isEqualTo("Ann");
    assertThat(attributes.get("first_name").asText()).isEqualTo("A2");
    assertThat(attributes.has("Plan")).isFalse();
    assertThat(attributes.size()).isEqualTo(2);
  }

  @Test
  void aFileWithoutAnEmailColumnOrWithoutContentFails() throws IOException {
    assertThatThrownBy(
            () -> readCsv(csv("name,city\nAnn,Oslo\n", StandardCharsets.UTF_8), null, null))
        .isInstanceOf(ImportFileException.class)
        .hasMessageContaining("no email column");
    assertThatThrownBy(() -> readCsv(file("empty.csv", new byte[0]), null, null))
        .isInstanceOf(ImportFileException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(
            () ->
                readCsv(
                    csv("", StandardCharsets.UTF_8, (byte) 0xEF, (byte) 0xBB, (byte) 0xBF),
                    null,
                    null))
        .isInstanceOf(ImportFileException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void aPngIsNeitherCsvNorXlsx() throws IOException {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H'};
    Path file = file("picture.png", png);
    assertThatThrownBy(() -> CsvAddressBook.open(file, null, null))
        .isInstanceOfSatisfying(ImportFileException.class, e -> assertThat(e.wrongType()).isTrue())
        .hasMessageContaining("PNG");
    assertThatThrownBy(() -> XlsxAddressBook.open(file, null, ZIP))
        .isInstanceOfSatisfying(ImportFileException.class, e -> assertThat(e.wrongType()).isTrue())
        .hasMessageContaining("PNG");
  }

  @Test
  void xlsxNumbersStayNumbersAndDatesBecomeIsoText() throws IOException {
    Path file =
        Workbooks.write(
            dir.resolve("book.xlsx"),
            Workbooks.sheet(
                "",
                List.of(
                    Workbooks.row(
                        1,
                        Workbooks.text("A1", "Email"),
                        Workbooks.text("B1", "Name"),
                        Workbooks.text("C1", "score"),
                        Workbooks.text("D1", "ratio"),
                        Workbooks.text("E1", "joined"),
                        Workbooks.text("F1", "seen")),
                    Workbooks.row(
                        3,
                        Workbooks.text("A3", "ann@example.com"),
                        Workbooks.text("B3", "Ann"),
                        Workbooks.number("C3", "42", 0),
                        Workbooks.number("D3", "0.25", 0),
                        Workbooks.number("E3", "45292", 1),
                        Workbooks.number("F3", "45292.5", 2)),
                    Workbooks.row(4, Workbooks.text("A4", "bob@example.com")))));
    try (var reader = XlsxAddressBook.open(file, null, ZIP)) {
      var rows = rows(reader, false);
      assertThat(rows).hasSize(2);
      JsonNode a = attributes(rows.get(0));
      assertThat(rows.get(0).row()).isEqualTo(3);
      assertThat(a.get("score").isIntegralNumber()).isTrue();
      assertThat(a.get("score").asLong()).isEqualTo(42);
      assertThat(a.get("ratio").isNumber()).isTrue();
      assertThat(a.get("ratio").decimalValue()).isEqualByComparingTo("0.25");
      assertThat(a.get("joined").asText()).isEqualTo("2024-01-01");
      assertThat(a.get("seen").asText()).isEqualTo("2024-01-01T12:00");
      assertThat(rows.get(1).input().email()).isEqualTo("bob@example.com");
      assertThat(rows.get(1).input().attributes()).isNull();
    }
    assertThatThrownBy(() -> XlsxAddressBook.open(file, "Nope", ZIP))
        .isInstanceOf(ImportFileException.class)
        .hasMessageContaining("no sheet 'Nope'");
  }

  @Test
  void anXlsxWithADoctypeIsRefusedBeforeParsing() throws IOException {
    Path secret = Files.writeString(dir.resolve("secret.txt"), "top-secret");
    String xxe = "<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM \"file://" + secret + "\">]>";
    Path file =
        Workbooks.write(
            dir.resolve("xxe.xlsx"),
            Workbooks.sheet(
                xxe,
                List.of(
                    Workbooks.row(1, Workbooks.text("A1", "email"), Workbooks.text("B1", "n")),
                    Workbooks.row(
                        2, Workbooks.text("A2", "a@example.com"), Workbooks.text("B2", "&xxe;")))));
    assertThatThrownBy(() -> XlsxAddressBook.open(file, null, ZIP))
        .isInstanceOf(ImportFileException.class)
        .hasMessageContaining("DTD");

    String laughs =
        "<!doctype lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;\">"
            + "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;\">]>";
    Path bomb =
        Workbooks.write(
            dir.resolve("laughs.xlsx"),
            Workbooks.sheet(laughs, List.of(Workbooks.row(1, Workbooks.text("A1", "&lol3;")))));
    assertThatThrownBy(() -> XlsxAddressBook.open(bomb, null, ZIP))
        .isInstanceOf(ImportFileException.class)
        .hasMessageContaining("DTD");
  }

  @Test
  void fastexcelItselfNeverExpandsEntities() throws IOException {
    // With the zip check out of the way, the parser must still not read the file.
    Path secret = Files.writeString(dir.resolve("secret.txt"), "top-secret");
    Path file =
        Workbooks.write(
            dir.resolve("xxe.xlsx"),
            Workbooks.sheet(
                "<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM \"file://" + secret + "\">]>",
                List.of(
                    Workbooks.row(1, Workbooks.text("A1", "email"), Workbooks.text("B1", "n")),
                    Workbooks.row(
                        2, Workbooks.text("A2", "a@example.com"), Workbooks.text("B2", "&xxe;")))));
    String seen;
    try (var workbook = new org.dhatim.fastexcel.reader.ReadableWorkbook(file.toFile());
        var rows = workbook.getFirstSheet().openStream()) {
      seen = rows.map(r -> r.toString()).reduce("", String::concat);
    } catch (RuntimeException e) {
      seen = "refused: " + e;
    }
    assertThat(seen).doesNotContain("top-secret");
  }

  @Test
  void zipBombsAreRefused() throws IOException {
    String sheet = Workbooks.sheet("", List.of(Workbooks.row(1, Workbooks.text("A1", "email"))));
    Path ratio = Workbooks.writeWithPadding(dir.resolve("ratio.xlsx"), sheet, 20_000_000);
    assertThatThrownBy(() -> XlsxAddressBook.open(ratio, null, ZIP))
        .isInstanceOf(ImportFileException.class)
        .hasMessageContaining("zip bomb");

    Path big = Workbooks.writeWithPadding(dir.resolve("big.xlsx"), sheet, 60_000_000);
    assertThatThrownBy(() -> XlsxAddressBook.open(big, null, new ZipLimits(100, 50_000_000, 5000)))
        .isInstanceOf(ImportFileException.class)
        .hasMessageContaining("inflates to more than");

    assertThatThrownBy(
            () ->
                XlsxAddressBook.open(
                    Workbooks.write(dir.resolve("ok.xlsx"), sheet),
                    null,
                    new ZipLimits(3, 50_000_000, 200)))
        .isInstanceOf(ImportFileException.class)
        .hasMessageContaining("entries");
  }

  @Test
  void aCsvSentAsXlsxOrACorruptZipIsRefused() throws IOException {
    Path text = file("book.xlsx", "email\na@example.com\n".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> XlsxAddressBook.open(text, null, ZIP))
        .isInstanceOfSatisfying(ImportFileException.class, e -> assertThat(e.wrongType()).isTrue())
        .hasMessage("the file is not an XLSX workbook: it is not a ZIP archive");
    byte[] corrupt = {'P', 'K', 3, 4, 1, 2, 3, 4, 5, 6, 7, 8};
    assertThatThrownBy(() -> XlsxAddressBook.open(file("bad.xlsx", corrupt), null, ZIP))
        .isInstanceOf(ImportFileException.class);
  }
}
