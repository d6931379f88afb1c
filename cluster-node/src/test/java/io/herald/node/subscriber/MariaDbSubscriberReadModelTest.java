package io.herald.node.subscriber;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.node.storage.DatabaseSession;
import io.herald.node.storage.ScratchDatabase;
import io.herald.protocol.SubscriberProtocol.Membership;
import io.herald.protocol.SubscriberProtocol.MembershipStatus;
import io.herald.protocol.SubscriberProtocol.Subscriber;
import io.herald.protocol.SubscriberProtocol.SubscribersUpserted;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link SubscriberReadModelContract} on the MariaDB server of the test machine. */
class MariaDbSubscriberReadModelTest extends SubscriberReadModelContract {

  @Override
  protected ScratchDatabase createScratch() {
    return ScratchDatabase.mariaDb();
  }

  // On a server every statement is a round trip; the server counts them per connection.
  @Test
  void aGroupCostsAFewStatementsNotOnePerSubscriber() throws Exception {
    int count = 1000;
    List<Subscriber> many = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      many.add(
          subscriber(
              ACME,
              "bulk" + i + "@example.com",
              new Membership("news", MembershipStatus.SUBSCRIBED, T0),
              new Membership("offers", MembershipStatus.SUBSCRIBED, T0)));
    }

    DatabaseSession session = db.session();
    long before = session.withConnection(MariaDbSubscriberReadModelTest::statementsSent);
    handler.process(session, envelopes(ACME, new SubscribersUpserted(many)));
    long after = session.withConnection(MariaDbSubscriberReadModelTest::statementsSent);
    session.commit();
    session.close();

    assertThat(rowCount("subscribers")).isEqualTo(count);
    assertThat(rowCount("list_members")).isEqualTo(2 * count);
    // Statements of 128 rows and a few smaller ones for the rest: 11 for the 1,000 rows and 19 for
    // the 2,000 memberships, plus the counter query itself; one statement a row would be 3,000.
    assertThat(after - before).isLessThanOrEqualTo(31);
  }

  private static long statementsSent(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SHOW SESSION STATUS LIKE 'Questions'")) {
      rs.next();
      return rs.getLong(2);
    }
  }
}
