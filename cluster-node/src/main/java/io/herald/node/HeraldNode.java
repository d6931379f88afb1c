package io.herald.node;

import com.typesafe.config.Config;
import io.herald.gateway.ApiRoutes;
import io.herald.gateway.AttributeRules;
import io.herald.gateway.GatewaySettings;
import io.herald.gateway.HttpMetrics;
import io.herald.gateway.JsonBody;
import io.herald.node.account.AccountEntity;
import io.herald.node.campaign.CampaignEntity;
import io.herald.node.campaign.CompiledCampaigns;
import io.herald.node.campaign.JdbcAudience;
import io.herald.node.campaign.NodeContentCheck;
import io.herald.node.campaign.NodeProofs;
import io.herald.node.campaign.SendBatchEntity;
import io.herald.node.campaign.StreamingBatchDelivery;
import io.herald.node.consent.NodeConfirmations;
import io.herald.node.health.NodeReadiness;
import io.herald.node.imports.AddressBookColumns;
import io.herald.node.imports.ImportJob;
import io.herald.node.imports.ImportPipeline;
import io.herald.node.imports.JdbcImportErrors;
import io.herald.node.imports.NodeImports;
import io.herald.node.imports.ZipLimits;
import io.herald.node.letter.LetterSettings;
import io.herald.node.letter.LetterTemplates;
import io.herald.node.management.NodeManagement;
import io.herald.node.storage.Database;
import io.herald.node.subscriber.JdbcSubscriberDirectory;
import io.herald.node.subscriber.SubscriberPartition;
import io.herald.node.subscriber.SubscriberProjection;
import io.herald.node.tracking.JdbcEngagement;
import io.herald.node.tracking.NodeRecipientRequests;
import io.herald.node.tracking.TrackingTokens;
import io.herald.node.tracking.TrackingWriter;
import io.herald.node.transport.MailTransport;
import io.herald.node.transport.MailTransports;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Herald node: the actor system, its cluster membership, the entities and projections
 * it hosts when it has the worker role, and the HTTP API it serves when it has the gateway role.
 *
 * <p>Start-up order matters: the database is migrated before any entity can write, sharding is
 * initialised before the API accepts requests, and readiness is declared last.
 */
public final class HeraldNode {

  private static final Logger log = LoggerFactory.getLogger(HeraldNode.class);

  private final ActorSystem<Void> system;
  private final ServerBinding binding;
  private final String operatorToken;

  private HeraldNode(ActorSystem<Void> system, ServerBinding binding, String operatorToken) {
    this.system = system;
    this.binding = binding;
    this.operatorToken = operatorToken;
  }

  /** Starts a node with a fully composed configuration (see {@link NodeConfig}). */
  public static HeraldNode start(Config config) {
    return start(config, Clock.systemUTC());
  }

  /** Starts a node with the given clock, for tests that need fixed time. */
  public static HeraldNode start(Config config, Clock clock) {
    Config herald = config.getConfig("herald");
    String operatorToken =
        OperatorToken.resolve(
            herald.getString("admin-token"), Path.of(herald.getString("data-dir")));
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "herald", config);
    try {
      return bootstrap(system, config, clock, operatorToken);
    } catch (RuntimeException e) {
      system.terminate();
      throw e;
    }
  }

  private static HeraldNode bootstrap(
      ActorSystem<Void> system, Config config, Clock clock, String operatorToken) {
    Config herald = config.getConfig("herald");
    List<String> roles = config.getStringList("pekko.cluster.roles");
    Cluster cluster = Cluster.get(system);

    // Management first, so that /alive answers while the rest starts.
    NodeManagement.start(system);

    // Storage: migrations run here, before any entity can write.
    Database db = Database.get(system);
    NodeReadiness.get(system).markStorageReady();

    // Membership: with no seed nodes configured, form a cluster of one.
    if (config.getStringList("pekko.cluster.seed-nodes").isEmpty()
        && !NodeManagement.formsClusterThroughBootstrap(config)) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }

    // Entities: hosted on workers, proxied from gateway-only nodes.
    AccountEntity.init(system, clock);
    SubscriberPartition.init(
        system,
        clock,
        new SubscriberPartition.Settings(
            herald.getInt("subscribers.max-batch"), herald.getInt("projections.subscriber-tags")));

    // Letters: templates compiled once per campaign and node, handed to this node's transport.
    ClusterSharding sharding = ClusterSharding.get(system);
    Duration askTimeout = herald.getDuration("http.ask-timeout");
    TrackingTokens tokens = TrackingTokens.fromConfig(config);
    LetterSettings letterSettings = LetterSettings.fromConfig(config);
    LetterTemplates templates = new LetterTemplates(tokens, clock);
    MailTransport transport =
        MailTransports.fromConfig(herald, Path.of(herald.getString("data-dir")));
    var compiled = new CompiledCampaigns(sharding, templates, letterSettings, askTimeout);
    JdbcAudience audience = JdbcAudience.create(system, db);
    ScheduledExecutorService retries =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "herald-send-retries");
              t.setDaemon(true);
              return t;
            });
    Config sending = herald.getConfig("sending");
    var delivery =
        new StreamingBatchDelivery(
            audience,
            compiled,
            transport,
            MailTransports.rateLimiter(herald),
            renderers(),
            retries,
            new StreamingBatchDelivery.Settings(
                sending.getInt("page-size"),
                sending.getInt("max-attempts"),
                sending.getDuration("first-retry-delay")));
    CampaignEntity.init(
        system,
        clock,
        new CampaignEntity.Settings(
            sending.getInt("batch-size"),
            sending.getInt("parallel-batches"),
            sending.getDuration("tick-interval")),
        audience);
    SendBatchEntity.init(
        system,
        clock,
        new SendBatchEntity.Settings(
            sending.getInt("progress-every"),
            sending.getDuration("progress-interval"),
            sending.getDuration("retry-after")),
        delivery);
    // Imports: jobs remembered by sharding, reading files from this node's data directory.
    Executor blockingQueries =
        system
            .dispatchers()
            .lookup(DispatcherSelector.fromConfig(JdbcSubscriberDirectory.DISPATCHER));
    Config importConfig = herald.getConfig("imports");
    var importErrors = new JdbcImportErrors(db.dataSource(), blockingQueries);
    var zipLimits =
        new ZipLimits(
            importConfig.getInt("xlsx.max-entries"),
            importConfig.getBytes("xlsx.max-inflated-bytes"),
            importConfig.getInt("xlsx.max-ratio"));
    var rowLimits =
        new AddressBookColumns.Limits(
            importConfig.getInt("max-cell-chars"),
            herald.getInt("subscribers.max-name-length"),
            new AttributeRules(
                JsonBody.newMapper(),
                herald.getInt("subscribers.max-attribute-depth"),
                herald.getInt("subscribers.max-attributes-bytes")));
    ImportJob.init(
        system,
        clock,
        new ImportJob.Settings(
            importConfig.getInt("max-attempts"), importConfig.getDuration("retry-after")),
        new ImportPipeline(
            sharding,
            importErrors,
            new ImportPipeline.Settings(
                importConfig.getInt("rows-per-command"),
                ImportPipeline.Settings.chunksInFlight(
                    importConfig.getInt("chunks-in-flight"), db.kind()),
                importConfig.getDuration("ask-timeout"),
                rowLimits,
                zipLimits)));

    TrackingWriter trackingWriter = new TrackingWriter(db, clock, 200_000);
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "herald-close-transport-and-tracking",
            () -> {
              trackingWriter.close();
              transport.close();
              retries.shutdownNow();
              return CompletableFuture.completedFuture(Done.getInstance());
            });

    // Read models: projections run on workers only.
    if (roles.contains("worker")) {
      SubscriberProjection.init(system, db);
    }

    // The API: only on gateways.
    ServerBinding binding = null;
    if (roles.contains("gateway")) {
      Executor queries =
          system
              .dispatchers()
              .lookup(DispatcherSelector.fromConfig(JdbcSubscriberDirectory.DISPATCHER));
      var routes =
          new ApiRoutes(
              GatewaySettings.fromConfig(herald, operatorToken),
              sharding,
              new ApiRoutes.Ports(
                  JdbcSubscriberDirectory.create(system, db),
                  new NodeContentCheck(templates, letterSettings),
                  new NodeProofs(sharding, templates, letterSettings, transport, askTimeout),
                  new JdbcEngagement(db.dataSource(), queries),
                  new NodeRecipientRequests(tokens, trackingWriter, compiled, sharding, askTimeout),
                  new NodeConfirmations(
                      tokens,
                      NodeConfirmations.letters(herald, letterSettings, clock),
                      transport,
                      sharding,
                      askTimeout),
                  new NodeImports(
                      system,
                      importErrors,
                      Path.of(herald.getString("data-dir")).resolve("imports"),
                      importConfig.getBytes("max-file-bytes"),
                      zipLimits,
                      rowLimits,
                      askTimeout,
                      blockingQueries)));
      binding =
          Http.get(system)
              .newServerAt(herald.getString("http.host"), herald.getInt("http.port"))
              .bind(HttpMetrics.instrument(routes.routes()))
              .toCompletableFuture()
              .join()
              .addToCoordinatedShutdown(Duration.ofSeconds(10), system);
      log.info("HTTP API listening on {}", binding.localAddress());
    }
    log.info("Herald node started with roles {} at {}", roles, cluster.selfMember().address());
    return new HeraldNode(system, binding, operatorToken);
  }

  /**
   * Threads that render letters: CPU work, one thread per core, apart from the dispatchers that run
   * actors (whose turns it would otherwise delay) and from the common pool (one thread on a
   * two-core machine).
   */
  private static Executor renderers() {
    AtomicInteger n = new AtomicInteger();
    return Executors.newFixedThreadPool(
        Runtime.getRuntime().availableProcessors(),
        r -> {
          Thread t = new Thread(r, "herald-render-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /** The node's actor system. */
  public ActorSystem<Void> system() {
    return system;
  }

  /** Where the HTTP API listens; null on a node without the gateway role. */
  public InetSocketAddress httpAddress() {
    return binding == null ? null : binding.localAddress();
  }

  /** The operator token this node accepts. */
  public String operatorToken() {
    return operatorToken;
  }

  /** Leaves the cluster and stops, running coordinated shutdown. */
  public CompletionStage<Done> stop() {
    system.terminate();
    return system.getWhenTerminated();
  }

  /** Stops and waits, for tests. */
  public void stopAndWait(Duration timeout) throws Exception {
    stop().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
