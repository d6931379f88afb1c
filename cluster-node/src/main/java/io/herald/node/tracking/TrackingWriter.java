package io.herald.node.tracking;

import io.herald.node.storage.Database;
import io.herald.node.storage.DatabaseSettings;
import io.herald.node.storage.UtcTimestamps;
import io.prometheus.metrics.core.metrics.Counter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes opens, clicks and unsubscribes in batches. A hit is queued and returns at once; one thread
 * drains the queue and writes what it holds with one batched statement per kind, keeping only the
 * first hit per person (and link). Tens of thousands of hits a second thus cost a few statements,
 * and no campaign entity is touched per hit.
 *
 * <p>The queue is bounded: when the database falls so far behind that it fills, further hits are
 * dropped and counted ({@code herald_tracking_dropped_total}) rather than taking the node's memory.
 */
public final class TrackingWriter implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TrackingWriter.class);

  private static final Counter WRITTEN =
      Counter.builder()
          .name("herald_tracking_hits_written")
          .help("Tracking hits written to the store")
          .labelNames("kind")
          .register();
  private static final Counter DROPPED =
      Counter.builder()
          .name("herald_tracking_dropped")
          .help("Tracking hits dropped because the store fell behind")
          .register();

  /** What happened. */
  public enum Kind {
    OPEN,
    CLICK,
    UNSUBSCRIBE
  }

  /** One recipient request, already verified. */
  public record Hit(
      Kind kind, String accountId, String campaignId, String subscriberId, int link, Instant at) {}

  private static final int BATCH = 1000;

  private final Database db;
  private final Clock clock;
  private final BlockingQueue<Hit> queue;
  private final Thread drainer;
  private volatile boolean running = true;

  /** A writer into the node's database; starts its thread. */
  public TrackingWriter(Database db, Clock clock, int capacity) {
    this.db = db;
    this.clock = clock;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.drainer = new Thread(this::drain, "herald-tracking-writer");
    this.drainer.setDaemon(true);
    this.drainer.start();
  }

  /** Queues a hit; false (and counted) when the queue is full. */
  public boolean record(
      Kind kind, String accountId, String campaignId, String subscriberId, int link) {
    boolean queued =
        queue.offer(new Hit(kind, accountId, campaignId, subscriberId, link, clock.instant()));
    if (!queued) {
      DROPPED.inc();
    }
    return queued;
  }

  /** Writes everything queued so far, for tests and shutdown. */
  public void flush() {
    var hits = new ArrayList<Hit>();
    queue.drainTo(hits);
    write(hits);
  }

  private void drain() {
    var hits = new ArrayList<Hit>(BATCH);
    while (running) {
      try {
        Hit first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        hits.add(first);
        queue.drainTo(hits, BATCH - 1);
        write(hits);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        log.warn("Writing {} tracking hits failed; they are lost", hits.size(), e);
      } finally {
        hits.clear();
      }
    }
  }

  private synchronized void write(List<Hit> hits) {
    if (hits.isEmpty()) {
      return;
    }
    boolean h2 = db.kind() == DatabaseSettings.Kind.H2;
    try (Connection c = db.dataSource().getConnection()) {
      c.setAutoCommit(false);
      for (Kind kind : Kind.values()) {
        List<Hit> ofKind = hits.stream().filter(h -> h.kind() == kind).toList();
        if (ofKind.isEmpty()) {
          continue;
        }
        try (PreparedStatement st = c.prepareStatement(sql(kind, h2))) {
          for (Hit hit : ofKind) {
            int i = 1;
            st.setString(i++, hit.accountId());
            st.setString(i++, hit.campaignId());
            st.setString(i++, hit.subscriberId());
            if (kind == Kind.CLICK) {
              st.setInt(i++, hit.link());
            }
            UtcTimestamps.bind(st, i, hit.at(), db.kind());
            st.addBatch();
          }
          st.executeBatch();
        }
        WRITTEN.labelValues(kind.name().toLowerCase(java.util.Locale.ROOT)).inc(ofKind.size());
      }
      c.commit();
    } catch (SQLException e) {
      throw new IllegalStateException("tracking hits could not be written", e);
    }
  }

  /** Insert-if-absent for each kind: the first hit per key is kept. */
  static String sql(Kind kind, boolean h2) {
    String table;
    String columns;
    String key;
    switch (kind) {
      case OPEN -> {
        table = "campaign_opens";
        columns = "account_id, campaign_id, subscriber_id, first_at";
        key = "account_id, campaign_id, subscriber_id";
      }
      case CLICK -> {
        table = "campaign_clicks";
        columns = "account_id, campaign_id, subscriber_id, link_index, first_at";
        key = "account_id, campaign_id, subscriber_id, link_index";
      }
      default -> {
        table = "campaign_unsubscribes";
        columns = "account_id, campaign_id, subscriber_id, at";
        key = "account_id, campaign_id, subscriber_id";
      }
    }
    int n = columns.split(",").length;
    String params = String.join(", ", java.util.Collections.nCopies(n, "?"));
    if (!h2) {
      return "INSERT IGNORE INTO " + table + " (" + columns + ") VALUES (" + params + ")";
    }
    var on = new StringBuilder();
    for (String k : key.split(",\\s*")) {
      on.append(on.length() == 0 ? "" : " AND ").append("t.").append(k).append(" = v.").append(k);
    }
    var values = new StringBuilder();
    for (String col : columns.split(",\\s*")) {
      values.append(values.length() == 0 ? "" : ", ").append("v.").append(col);
    }
    return "MERGE INTO "
        + table
        + " t USING (VALUES ("
        + params
        + ")) v("
        + columns
        + ") ON "
        + on
        + " WHEN NOT MATCHED THEN INSERT ("
        + columns
        + ") VALUES ("
        + values
        + ")";
  }

  @Override
  public void close() {
    running = false;
    drainer.interrupt();
    try {
      drainer.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    flush();
  }
}
