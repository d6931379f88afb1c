package io.herald.node.campaign;

import io.herald.node.letter.CampaignContent;
import io.herald.node.letter.CompiledCampaign;
import io.herald.node.letter.LetterSettings;
import io.herald.node.letter.LetterTemplates;
import io.herald.protocol.CampaignProtocol;
import io.herald.protocol.CampaignProtocol.Content;
import io.herald.protocol.CampaignProtocol.ContentOf;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * The campaigns this node renders, compiled once per node: the first batch or tracked click that
 * needs a campaign asks its entity for the content and compiles it; later ones reuse the result.
 * Only content that can no longer change (a campaign that is sending or finished) is kept.
 */
public final class CompiledCampaigns {

  /** A compiled campaign with what the entity said of it. */
  public record Entry(ContentOf content, CompiledCampaign compiled) {}

  private static final int MAX_ENTRIES = 256;

  private final ClusterSharding sharding;
  private final LetterTemplates templates;
  private final LetterSettings settings;
  private final Duration askTimeout;
  private final Map<String, Entry> cache =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
          return size() > MAX_ENTRIES;
        }
      };

  /** Campaigns compiled with the node's templates and letter settings. */
  public CompiledCampaigns(
      ClusterSharding sharding,
      LetterTemplates templates,
      LetterSettings settings,
      Duration askTimeout) {
    this.sharding = sharding;
    this.templates = templates;
    this.settings = settings;
    this.askTimeout = askTimeout;
  }

  /** The campaign's content adapted to the letter compiler. */
  public static CampaignContent letterContent(Content c) {
    return new CampaignContent(
        c.subject(), c.fromName(), c.fromEmail(), c.replyTo(), c.html(), c.text());
  }

  /** The compiled campaign, from this node's cache or freshly asked and compiled. */
  public CompletionStage<Entry> get(String accountId, String campaignId) {
    String key = CampaignProtocol.entityId(accountId, campaignId);
    Entry cached;
    synchronized (cache) {
      cached = cache.get(key);
    }
    if (cached != null) {
      return CompletableFuture.completedFuture(cached);
    }
    return sharding
        .entityRefFor(CampaignProtocol.TYPE_KEY, key)
        .ask(
            (ActorRef<CampaignProtocol.Reply> replyTo) -> new CampaignProtocol.GetContent(replyTo),
            askTimeout)
        .thenApply(
            reply -> {
              if (!(reply instanceof ContentOf content)) {
                throw new IllegalStateException("campaign " + campaignId + " was not found");
              }
              var entry =
                  new Entry(content, templates.compile(letterContent(content.content()), settings));
              if (content.status() != CampaignProtocol.Status.DRAFT) {
                synchronized (cache) {
                  cache.put(key, entry);
                }
              }
              return entry;
            });
  }
}
