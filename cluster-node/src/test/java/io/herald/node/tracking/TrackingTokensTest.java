package io.herald.node.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrackingTokensTest {

  private static final String ACCOUNT = "acc_abcdefghijklmnop";
  private static final String CAMPAIGN = "cmp_qrstuvwxyz234567";
  private static final String SUBSCRIBER = "abcdefghijklmnopqrstuvwx";

  private final TrackingTokens tokens = new TrackingTokens(key("the first key of this test run"));

  @Test
  void everyKindRoundTrips() {
    TrackingToken open = new TrackingToken.Open(ACCOUNT, CAMPAIGN, SUBSCRIBER);
    TrackingToken click = new TrackingToken.Click(ACCOUNT, CAMPAIGN, SUBSCRIBER, 12);
    TrackingToken unsubscribe = new TrackingToken.Unsubscribe(ACCOUNT, CAMPAIGN, SUBSCRIBER);

    assertThat(tokens.verify(tokens.sign(open))).contains(open);
    assertThat(tokens.verify(tokens.sign(click))).contains(click);
    assertThat(tokens.verify(tokens.sign(unsubscribe))).contains(unsubscribe);
  }

  @Test
  void aConfirmationTokenNamesItsListAndIsNoOtherKind() {
    var confirm = new TrackingToken.ConfirmSubscription(ACCOUNT, "lst_weekly", SUBSCRIBER);
    String token = tokens.sign(confirm);

    assertThat(token).startsWith("d." + ACCOUNT + ".lst_weekly." + SUBSCRIBER + ".");
    assertThat(tokens.verify(token, TrackingToken.ConfirmSubscription.class)).contains(confirm);
    assertThat(tokens.verify(token, TrackingToken.Unsubscribe.class)).isEmpty();
    // The same ids under another kind letter are not signed.
    assertThat(tokens.verify("u" + token.substring(1))).isEmpty();
    String unsubscribe =
        tokens.sign(new TrackingToken.Unsubscribe(ACCOUNT, "lst_weekly", SUBSCRIBER));
    assertThat(tokens.verify("d" + unsubscribe.substring(1))).isEmpty();
  }

  @Test
  void tokensAreUrlSafeAndCompact() {
    String token = tokens.sign(new TrackingToken.Click(ACCOUNT, CAMPAIGN, SUBSCRIBER, 3));

    assertThat(token).matches("[A-Za-z0-9_.-]+");
    assertThat(token).hasSizeLessThan(100);
  }

  @Test
  void differentLinksAndPeopleGetDifferentTokens() {
    Set<String> seen = new HashSet<>();
    for (int link = 0; link < 50; link++) {
      seen.add(tokens.sign(new TrackingToken.Click(ACCOUNT, CAMPAIGN, SUBSCRIBER, link)));
      seen.add(tokens.sign(new TrackingToken.Click(ACCOUNT, CAMPAIGN, "other" + link, link)));
    }
    assertThat(seen).hasSize(100);
  }

  @Test
  void everyAlteredCharacterIsRefused() {
    String token = tokens.sign(new TrackingToken.Click(ACCOUNT, CAMPAIGN, SUBSCRIBER, 7));
    String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.";

    for (int i = 0; i < token.length(); i++) {
      for (char c : alphabet.toCharArray()) {
        if (c == token.charAt(i)) {
          continue;
        }
        String altered = token.substring(0, i) + c + token.substring(i + 1);
        assertThat(tokens.verify(altered)).as("altered at %d to %s", i, c).isEmpty();
      }
    }
  }

  @Test
  void truncatedOrPaddedTokensAreRefused() {
    String token = tokens.sign(new TrackingToken.Open(ACCOUNT, CAMPAIGN, SUBSCRIBER));

    for (int length = 0; length < token.length(); length++) {
      assertThat(tokens.verify(token.substring(0, length))).isEmpty();
    }
    assertThat(tokens.verify(token + "A")).isEmpty();
    assertThat(tokens.verify(token + "=")).isEmpty();
    assertThat(tokens.verify(" " + token)).isEmpty();
    assertThat(tokens.verify(null)).isEmpty();
    assertThat(tokens.verify("x".repeat(100_000))).isEmpty();
  }

  @Test
  void changingTheKindOrMovingFieldsBreaksTheSignature() {
    String open = tokens.sign(new TrackingToken.Open(ACCOUNT, CAMPAIGN, SUBSCRIBER));
    String click = tokens.sign(new TrackingToken.Click(ACCOUNT, CAMPAIGN, SUBSCRIBER, 1));

    assertThat(tokens.verify("u" + open.substring(1))).isEmpty();
    assertThat(tokens.verify("c" + open.substring(1))).isEmpty();
    String mac = click.substring(click.lastIndexOf('.') + 1);
    assertThat(tokens.verify("c." + ACCOUNT + "." + CAMPAIGN + "." + SUBSCRIBER + ".2." + mac))
        .isEmpty();
    assertThat(tokens.verify("c." + CAMPAIGN + "." + ACCOUNT + "." + SUBSCRIBER + ".1." + mac))
        .isEmpty();
  }

  @Test
  void aValidTokenOfAnotherKindIsRefusedWhereOneKindIsExpected() {
    String open = tokens.sign(new TrackingToken.Open(ACCOUNT, CAMPAIGN, SUBSCRIBER));

    assertThat(tokens.verify(open, TrackingToken.Open.class)).isPresent();
    assertThat(tokens.verify(open, TrackingToken.Unsubscribe.class)).isEmpty();
    assertThat(tokens.verify(open, TrackingToken.Click.class)).isEmpty();
  }

  @Test
  void tokensFromAnotherKeyAreRefused() {
    TrackingTokens foreign = new TrackingTokens(key("some other installation's key!!"));
    String token = foreign.sign(new TrackingToken.Unsubscribe(ACCOUNT, CAMPAIGN, SUBSCRIBER));

    assertThat(foreign.verify(token)).isPresent();
    assertThat(tokens.verify(token)).isEmpty();
  }

  @Test
  void forgedTokensAreRefused() {
    assertThat(tokens.verify("u." + ACCOUNT + "." + CAMPAIGN + "." + SUBSCRIBER)).isEmpty();
    assertThat(tokens.verify("u." + ACCOUNT + "." + CAMPAIGN + "." + SUBSCRIBER + ".")).isEmpty();
    assertThat(
            tokens.verify(
                "u." + ACCOUNT + "." + CAMPAIGN + "." + SUBSCRIBER + "." + "A".repeat(22)))
        .isEmpty();
    assertThat(tokens.verify("")).isEmpty();
    assertThat(tokens.verify("....................................")).isEmpty();
  }

  @Test
  void idsThatCouldHideTheSeparatorAreRefused() {
    assertThatThrownBy(() -> new TrackingToken.Open("acc.x", CAMPAIGN, SUBSCRIBER))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("account id");
    assertThatThrownBy(() -> new TrackingToken.Open(ACCOUNT, "cmp/1", SUBSCRIBER))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TrackingToken.Open(ACCOUNT, CAMPAIGN, "sub\r\nx"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TrackingToken.Open(ACCOUNT, CAMPAIGN, ""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TrackingToken.Click(ACCOUNT, CAMPAIGN, SUBSCRIBER, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shortKeysAreRefused() {
    assertThatThrownBy(() -> new TrackingTokens(new byte[16]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static byte[] key(String text) {
    return text.repeat(2).getBytes(StandardCharsets.UTF_8);
  }
}
