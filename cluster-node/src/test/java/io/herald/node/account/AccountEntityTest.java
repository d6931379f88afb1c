package io.herald.node.account;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.herald.protocol.AccountProtocol.AccountCreated;
import io.herald.protocol.AccountProtocol.AddApiKey;
import io.herald.protocol.AccountProtocol.Authenticate;
import io.herald.protocol.AccountProtocol.Command;
import io.herald.protocol.AccountProtocol.Create;
import io.herald.protocol.AccountProtocol.CreateList;
import io.herald.protocol.AccountProtocol.Event;
import io.herald.protocol.AccountProtocol.Found;
import io.herald.protocol.AccountProtocol.GetSummary;
import io.herald.protocol.AccountProtocol.ListCreated;
import io.herald.protocol.AccountProtocol.ListCreatedEvent;
import io.herald.protocol.AccountProtocol.NotFound;
import io.herald.protocol.AccountProtocol.Refused;
import io.herald.protocol.AccountProtocol.Reply;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AccountEntityTest {

  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

  private static final ActorTestKit testKit =
      ActorTestKit.create(
          ConfigFactory.load(
              ConfigFactory.parseResources("serialization.conf")
                  .withFallback(EventSourcedBehaviorTestKit.config())));

  private EventSourcedBehaviorTestKit<Command, Event, AccountEntity.State> account;

  @BeforeEach
  void setUp() {
    account =
        EventSourcedBehaviorTestKit.create(
            testKit.system(), AccountEntity.create("acc_1", Clock.fixed(NOW, ZoneOffset.UTC)));
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  @Test
  void openingAnAccountRecordsItsKeyHashAndPartitions() {
    CommandResultWithReply<Command, Event, AccountEntity.State, Reply> result =
        account.<Reply>runCommand(replyTo -> new Create("Acme", "hash-1", 16, replyTo));

    assertThat(result.event()).isEqualTo(new AccountCreated("acc_1", "Acme", "hash-1", 16, NOW));
    Found found = result.replyOfType(Found.class);
    assertThat(found.account().id()).isEqualTo("acc_1");
    assertThat(found.account().partitions()).isEqualTo(16);
    assertThat(result.stateOfType(AccountEntity.Open.class).apiKeyHashes())
        .containsExactly("hash-1");
  }

  @Test
  void anOpenAccountRefusesToBeOpenedAgain() {
    account.<Reply>runCommand(replyTo -> new Create("Acme", "hash-1", 16, replyTo));

    var result = account.<Reply>runCommand(replyTo -> new Create("Other", "hash-2", 16, replyTo));

    assertThat(result.hasNoEvents()).isTrue();
    assertThat(result.replyOfType(Refused.class).code()).isEqualTo("account_exists");
  }

  @Test
  void onlyAKnownHashAuthenticates() {
    account.<Reply>runCommand(replyTo -> new Create("Acme", "hash-1", 16, replyTo));
    account.<Reply>runCommand(replyTo -> new AddApiKey("hash-2", replyTo));

    assertThat(account.<Reply>runCommand(r -> new Authenticate("hash-1", r)).reply())
        .isInstanceOf(Found.class);
    assertThat(account.<Reply>runCommand(r -> new Authenticate("hash-2", r)).reply())
        .isInstanceOf(Found.class);
    assertThat(account.<Reply>runCommand(r -> new Authenticate("hash-3", r)).reply())
        .isInstanceOf(NotFound.class);
  }

  @Test
  void anUnopenedAccountAnswersNotFoundAndRecordsNothing() {
    var auth = account.<Reply>runCommand(r -> new Authenticate("hash-1", r));
    var list = account.<Reply>runCommand(r -> new CreateList("lst_1", "News", r));
    var summary = account.<Reply>runCommand(GetSummary::new);

    assertThat(auth.reply()).isInstanceOf(NotFound.class);
    assertThat(list.reply()).isInstanceOf(NotFound.class);
    assertThat(list.hasNoEvents()).isTrue();
    assertThat(summary.reply()).isInstanceOf(NotFound.class);
  }

  @Test
  void listsAreCreatedOnceAndSurviveRecovery() {
    account.<Reply>runCommand(replyTo -> new Create("Acme", "hash-1", 16, replyTo));

    var created = account.<Reply>runCommand(r -> new CreateList("lst_1", "News", r));
    var again = account.<Reply>runCommand(r -> new CreateList("lst_1", "News again", r));

    assertThat(created.event()).isEqualTo(new ListCreatedEvent("lst_1", "News", NOW));
    assertThat(created.replyOfType(ListCreated.class).list().name()).isEqualTo("News");
    assertThat(again.replyOfType(Refused.class).code()).isEqualTo("list_exists");

    account.restart();
    var summary = account.<Reply>runCommand(GetSummary::new).replyOfType(Found.class).account();
    assertThat(summary.lists()).extracting(l -> l.id()).containsExactly("lst_1");
    assertThat(summary.hasList("lst_1")).isTrue();
    assertThat(summary.hasList("lst_2")).isFalse();
  }

  @Test
  void segmentsAreCreatedReplacedAndDeletedAcrossRecovery() {
    account.<Reply>runCommand(replyTo -> new Create("Acme", "hash-1", 16, replyTo));
    String filter = "{\"list\":\"lst_1\"}";

    var created =
        account.<Reply>runCommand(
            r -> new io.herald.protocol.AccountProtocol.SaveSegment("seg_1", "A", filter, true, r));
    var twice =
        account.<Reply>runCommand(
            r -> new io.herald.protocol.AccountProtocol.SaveSegment("seg_1", "B", filter, true, r));
    var unknown =
        account.<Reply>runCommand(
            r ->
                new io.herald.protocol.AccountProtocol.SaveSegment("seg_2", "B", filter, false, r));

    assertThat(created.event())
        .isEqualTo(
            new io.herald.protocol.AccountProtocol.SegmentCreated("seg_1", "A", filter, NOW));
    assertThat(twice.replyOfType(Refused.class).code()).isEqualTo("segment_exists");
    assertThat(unknown.reply()).isInstanceOf(NotFound.class);
    assertThat(unknown.hasNoEvents()).isTrue();

    var replaced =
        account.<Reply>runCommand(
            r -> new io.herald.protocol.AccountProtocol.SaveSegment("seg_1", "C", "{}", false, r));
    assertThat(
            replaced
                .replyOfType(io.herald.protocol.AccountProtocol.SegmentSaved.class)
                .segment()
                .name())
        .isEqualTo("C");
    account.restart();
    var summary = account.<Reply>runCommand(GetSummary::new).replyOfType(Found.class).account();
    assertThat(summary.segment("seg_1").orElseThrow().filter()).isEqualTo("{}");

    var deleted =
        account.<Reply>runCommand(
            r -> new io.herald.protocol.AccountProtocol.DeleteSegment("seg_1", r));
    assertThat(deleted.replyOfType(Found.class).account().segments()).isEmpty();
    assertThat(
            account
                .<Reply>runCommand(
                    r -> new io.herald.protocol.AccountProtocol.DeleteSegment("seg_1", r))
                .reply())
        .isInstanceOf(NotFound.class);
  }

  @Test
  void aDoubleOptInListKeepsItsOptionThroughRecovery() {
    account.<Reply>runCommand(replyTo -> new Create("Acme", "hash-1", 16, replyTo));

    var created = account.<Reply>runCommand(r -> new CreateList("lst_2", "Weekly", true, r));
    account.<Reply>runCommand(r -> new CreateList("lst_3", "Plain", r));

    assertThat(created.event()).isEqualTo(new ListCreatedEvent("lst_2", "Weekly", NOW, true));
    assertThat(created.replyOfType(ListCreated.class).list().doubleOptIn()).isTrue();
    account.restart();
    var summary = account.<Reply>runCommand(GetSummary::new).replyOfType(Found.class).account();
    assertThat(summary.lists())
        .extracting(l -> l.id() + "=" + l.doubleOptIn())
        .containsExactly("lst_2=true", "lst_3=false");
  }
}
