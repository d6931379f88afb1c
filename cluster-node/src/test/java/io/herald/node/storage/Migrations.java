package io.herald.node.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** What the migration folders on the test class path hold, so tests follow new migrations. */
final class Migrations {

  private static final Pattern VERSIONED = Pattern.compile("V(\\d+)__.*\\.sql");

  private Migrations() {}

  /** The number of versioned migrations of a vendor. */
  static int count(DatabaseSettings.Kind kind) {
    return versions(kind).length;
  }

  /** The schema version after every migration of a vendor, as Flyway reports it. */
  static String latest(DatabaseSettings.Kind kind) {
    int highest = 0;
    for (int v : versions(kind)) {
      highest = Math.max(highest, v);
    }
    return Integer.toString(highest);
  }

  private static int[] versions(DatabaseSettings.Kind kind) {
    String folder = kind.migrationLocation().replaceFirst("^classpath:", "");
    URL url = Migrations.class.getClassLoader().getResource(folder);
    if (url == null) {
      throw new IllegalStateException("no migration folder " + folder);
    }
    try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
      return files
          .map(file -> VERSIONED.matcher(file.getFileName().toString()))
          .filter(Matcher::matches)
          .mapToInt(m -> Integer.parseInt(m.group(1)))
          .toArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
