package io.herald.node.imports;

import io.herald.protocol.ImportProtocol.Checkpoint;
import io.herald.protocol.ImportProtocol.ImportSpec;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/** Runs an import's file into its list, as an {@link ImportJob} asks. */
public interface ImportRunner {

  /**
   * The file's rows after the first {@code rowsRead}, applied chunk by chunk; one checkpoint per
   * chunk, in file order, each emitted once every row up to it is applied and its rejections are
   * stored. Fails with {@link ImportFileException} when the file cannot be read.
   *
   * @param lastRow the file row number of the last row already read (0 for none)
   */
  Source<Checkpoint, NotUsed> run(ImportSpec spec, long rowsRead, long lastRow);
}
