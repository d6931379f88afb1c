package io.herald.node.imports;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.node.storage.DatabaseSettings.Kind;
import org.junit.jupiter.api.Test;

class ImportPipelineSettingsTest {

  @Test
  void zeroChunksInFlightMeansOneOnTheEmbeddedH2AndTwoOnMySql() {
    assertThat(ImportPipeline.Settings.chunksInFlight(0, Kind.H2)).isEqualTo(1);
    assertThat(ImportPipeline.Settings.chunksInFlight(0, Kind.MYSQL)).isEqualTo(2);
  }

  @Test
  void aConfiguredNumberStandsOnEitherDatabase() {
    assertThat(ImportPipeline.Settings.chunksInFlight(3, Kind.H2)).isEqualTo(3);
    assertThat(ImportPipeline.Settings.chunksInFlight(1, Kind.MYSQL)).isEqualTo(1);
  }
}
