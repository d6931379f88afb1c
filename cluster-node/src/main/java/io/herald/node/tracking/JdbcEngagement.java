package io.herald.node.tracking;

import io.herald.gateway.CampaignPorts.Engagement;
import io.herald.gateway.CampaignPorts.EngagementCounts;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/** Engagement counts of a campaign from the tracking tables: each a range count on a key. */
public final class JdbcEngagement implements EngagementCounts {

  private static final String SQL =
      "SELECT (SELECT COUNT(*) FROM campaign_opens WHERE account_id = ? AND campaign_id = ?),"
          + " (SELECT COUNT(DISTINCT subscriber_id) FROM campaign_clicks"
          + " WHERE account_id = ? AND campaign_id = ?),"
          + " (SELECT COUNT(*) FROM campaign_unsubscribes WHERE account_id = ? AND campaign_id = ?)";

  private final DataSource dataSource;
  private final Executor executor;

  /** Counts over a pool, queried on the executor. */
  public JdbcEngagement(DataSource dataSource, Executor executor) {
    this.dataSource = dataSource;
    this.executor = executor;
  }

  @Override
  public CompletionStage<Engagement> of(String accountId, String campaignId) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection();
              PreparedStatement st = c.prepareStatement(SQL)) {
            for (int i = 0; i < 3; i++) {
              st.setString(2 * i + 1, accountId);
              st.setString(2 * i + 2, campaignId);
            }
            try (ResultSet rs = st.executeQuery()) {
              rs.next();
              return new Engagement(rs.getLong(1), rs.getLong(2), rs.getLong(3));
            }
          } catch (SQLException e) {
            throw new CompletionException(e);
          }
        },
        executor);
  }
}
