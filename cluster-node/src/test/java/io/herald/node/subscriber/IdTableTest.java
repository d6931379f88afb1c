package io.herald.node.subscriber;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.protocol.EmailAddress;
import io.herald.protocol.SubscriberKeys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IdTableTest {

  @Test
  void behavesLikeAMapThroughPutsReplacementsAndRemovals() {
    Random random = new Random(11);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      ids.add(SubscriberKeys.subscriberId("acc_1", EmailAddress.parse("p" + i + "@x.org").get()));
    }
    // Ids of other shapes go beside the table and must behave the same.
    ids.addAll(List.of("ann", "ANNAANNAANNAANNAANNAANNA", "aaaaaaaaaaaaaaaaaaaaaaa1", ""));
    ids.add("aaaaaaaaaaaaaaaaaaaaaaaa");
    ids.add("777777777777777777777777");
    IdTable table = new IdTable();
    Map<String, Long> expected = new HashMap<>();

    for (int step = 0; step < 60_000; step++) {
      String id = ids.get(random.nextInt(ids.size()));
      if (random.nextInt(3) == 0) {
        table.remove(id);
        expected.remove(id);
      } else {
        long value = step * 1_000_003L;
        table.put(id, value);
        expected.put(id, value);
      }
      if (step % 997 == 0) {
        for (String each : ids) {
          assertThat(table.get(each))
              .as("step %d, %s", step, each)
              .isEqualTo(expected.getOrDefault(each, IdTable.ABSENT));
        }
      }
    }

    assertThat(table.size()).isEqualTo(expected.size());
    Map<String, Long> seen = new HashMap<>();
    table.forEach((id, value) -> assertThat(seen.put(id, value)).isNull());
    assertThat(seen).containsExactlyInAnyOrderEntriesOf(expected);
    table.replaceAll(value -> value + 1);
    for (String each : expected.keySet()) {
      assertThat(table.get(each)).isEqualTo(expected.get(each) + 1);
    }
  }

  @Test
  void removingEverythingLeavesAnEmptyTableThatStillWorks() {
    IdTable table = new IdTable();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      ids.add(SubscriberKeys.subscriberId("acc_2", EmailAddress.parse("q" + i + "@x.org").get()));
      table.put(ids.get(i), 1);
    }

    ids.forEach(table::remove);

    assertThat(table.size()).isZero();
    table.forEach((id, value) -> assertThat(id).as("nothing is left").isNull());
    table.put(ids.get(7), 2);
    assertThat(table.get(ids.get(7))).isEqualTo(2);
    assertThat(table.get(ids.get(8))).isEqualTo(IdTable.ABSENT);
  }
}
