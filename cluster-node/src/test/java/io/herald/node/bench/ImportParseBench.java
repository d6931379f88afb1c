package io.herald.node.bench;

import io.herald.gateway.AttributeRules;
import io.herald.gateway.JsonBody;
import io.herald.node.imports.AddressBookColumns;
import io.herald.node.imports.AddressBookReader;
import io.herald.node.imports.ImportPipeline;
import io.herald.node.imports.SheetRow;
import io.herald.node.imports.ZipLimits;
import io.herald.protocol.EmailAddress;
import io.herald.protocol.ImportProtocol.Format;
import io.herald.protocol.ImportProtocol.ImportSpec;
import io.herald.protocol.SubscriberKeys;
import io.herald.protocol.SubscriberProtocol.UpsertMode;

/**
 * The import's own share of the work, without the cluster: rows per second that one thread reads,
 * checks and routes to a partition (the address hashed), for a file made by {@code
 * bench/import-files.py}. Compared with {@code bench/import.sh} it tells parsing from the
 * partitions, journal and projection.
 *
 * <p>Run: {@code mvn -q -pl cluster-node exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.herald.node.bench.ImportParseBench -Dexec.args="/tmp/people.csv csv"}.
 */
public final class ImportParseBench {

  private ImportParseBench() {}

  public static void main(String[] args) throws Exception {
    String file = args[0];
    Format format = args.length > 1 && args[1].equals("xlsx") ? Format.XLSX : Format.CSV;
    var limits =
        new AddressBookColumns.Limits(
            65536, 256, new AttributeRules(JsonBody.newMapper(), 5, 16384));
    var spec =
        new ImportSpec(
            "acc_bench",
            "imp_bench",
            "lst_1",
            32,
            UpsertMode.SUBSCRIBE,
            format,
            file,
            null,
            null,
            null);
    for (int round = 1; round <= 3; round++) {
      long started = System.nanoTime();
      long rows = 0;
      long partitions = 0;
      try (AddressBookReader reader =
          ImportPipeline.openReader(spec, new ZipLimits(10_000, 8L << 30, 200))) {
        var columns = AddressBookColumns.of(reader.header(), limits, format == Format.CSV);
        for (SheetRow row = reader.next(); row != null; row = reader.next()) {
          var parsed = columns.parse(++rows, row, "lst_1");
          if (parsed.input() != null) {
            String id =
                SubscriberKeys.subscriberId(
                    spec.accountId(), EmailAddress.parse(parsed.input().email()).orElseThrow());
            partitions += SubscriberKeys.partitionOf(id, 32).orElseThrow();
          }
        }
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf(
          "round %d: %d rows in %.2fs = %.0f rows/s (checksum %d)%n",
          round, rows, seconds, rows / seconds, partitions);
    }
  }
}
