package io.herald.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.gateway.SegmentFilter.ActivityCondition;
import io.herald.gateway.SegmentFilter.All;
import io.herald.gateway.SegmentFilter.AttributeCondition;
import io.herald.gateway.SegmentFilter.Date;
import io.herald.gateway.SegmentFilter.Number;
import io.herald.gateway.SegmentFilter.Text;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each bad filter is refused with 422 naming its place in the tree; good ones are typed. */
class SegmentFiltersTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2026-05-01T00:00:00Z");

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text.replace('\'', '"'));
  }

  private static SegmentFilter parse(String text) throws Exception {
    return SegmentFilters.parse(json(text), "lst_a"::equals, NOW);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "[] | filter: must be an object, not array",
        "{} | filter: an empty object is no condition",
        "{'like':1} | filter: unknown key 'like'",
        "{'and':[]} | filter.and: must be a non-empty array",
        "{'and':{}} | filter.and: must be a non-empty array",
        "{'and':[{'field':'email','op':'eq','value':'a'}],'x':1} | filter: unknown key 'x'",
        "{'and':[{'field':'email','op':'eq','value':'a'},{'field':'email','op':'like','value':'a'}]}"
            + " | filter.and[1].op: unknown operator 'like'",
        "{'or':[{'not':{'field':'phone','op':'eq','value':'1'}}]} | filter.or[0].not.field: unknown"
            + " field 'phone'",
        "{'field':'email','op':'eq'} | filter.value: is required for operator 'eq'",
        "{'field':'email','op':'eq','value':3} | filter.value: must be a string, not number",
        "{'field':'email','op':'in','value':'a'} | filter.value: must be an array for in, not string",
        "{'field':'email','op':'in','value':[]} | filter.value: must hold 1 to 500 values, not 0",
        "{'field':'email','op':'in','value':['a',2]} | filter.value[1]: must be a string, not number",
        "{'field':'email','op':'contains','value':''} | filter.value: must not be empty",
        "{'field':'status','op':'eq','value':'gone'} | filter.value: unknown status 'gone'",
        "{'field':'status','op':'lt','value':'active'} | filter.op: status takes eq, ne or in",
        "{'field':'createdAt','op':'eq','value':'2026-01-01'} | filter.op: createdAt takes lt",
        "{'field':'createdAt','op':'lt','value':'yesterday'} | filter.value: 'yesterday' is not an"
            + " ISO-8601 date",
        "{'field':'name','op':'exists','value':'yes'} | filter.value: must be true or false",
        "{'attribute':'plan','op':'lt','value':{'a':1}} | filter.value: must be a number, a date or"
            + " a string, not object",
        "{'attribute':'plan','op':'eq','value':null} | filter.value: must be a string, a number or a"
            + " boolean, not null",
        "{'attribute':'plan','op':'in','value':[1,'a']} | filter.value[1]: must be a number like"
            + " the first value",
        "{'attribute':'a.b','op':'eq','value':'x'} | filter.attribute: attribute keys in filters",
        "{'attribute':'plan','field':'name','op':'eq','value':'x'} | filter: unknown key 'attribute'",
        "{'list':'lst_zz'} | filter.list: list lst_zz does not exist in this account",
        "{'list':'lst_a','status':'gone'} | filter.status: unknown list status 'gone'",
        "{'activity':'bounced'} | filter.activity: unknown activity 'bounced'",
        "{'activity':'opened','within':'30 days'} | filter.within: '30 days' is not an ISO-8601",
        "{'activity':'opened','within':'-P1D'} | filter.within: must be positive",
        "{'activity':'opened','within':'P1D','since':'2026-01-01'} | filter: give within or since",
        "{'activity':'opened','campaign':7} | filter.campaign: must be a string, not number",
      })
  void aBadFilterIsRefusedAtItsPath(String filter, String message) {
    assertThatThrownBy(() -> parse(filter))
        .isInstanceOfSatisfying(
            ApiError.class,
            e -> {
              assertThat(e.status().intValue()).isEqualTo(422);
              assertThat(e.code()).isEqualTo("invalid_filter");
              assertThat(e.getMessage()).startsWith(message.strip());
            });
  }

  @Test
  void nestingDeeperThanTheLimitIsRefused() {
    String leaf = "{'field':'email','op':'eq','value':'a'}";
    String deep = leaf;
    for (int i = 0; i < SegmentFilters.MAX_DEPTH; i++) {
      deep = "{'not':" + deep + "}";
    }
    String filter = deep;
    assertThatThrownBy(() -> parse(filter))
        .hasMessageContaining("nested deeper than 10 levels")
        .hasMessageStartingWith("filter" + ".not".repeat(SegmentFilters.MAX_DEPTH - 1) + ":");
  }

  @Test
  void moreNodesThanTheLimitAreRefused() {
    String leaf = "{'field':'email','op':'eq','value':'a'}";
    String filter = "{'or':[" + String.join(",", java.util.Collections.nCopies(200, leaf)) + "]}";
    assertThatThrownBy(() -> parse(filter))
        .hasMessage("filter.or[199]: the filter has more than 200 conditions");
  }

  @Test
  void anInOverTheLimitIsRefused() {
    String values = String.join(",", java.util.Collections.nCopies(501, "1"));
    assertThatThrownBy(() -> parse("{'attribute':'n','op':'in','value':[" + values + "]}"))
        .hasMessage("filter.value: must hold 1 to 500 values, not 501");
  }

  @Test
  void valuesAreTypedNumbersDatesAndStrings() throws Exception {
    var all =
        (All)
            parse(
                "{'and':[{'attribute':'n','op':'gt','value':5},"
                    + "{'attribute':'d','op':'lt','value':'2026-01-02'},"
                    + "{'attribute':'s','op':'lt','value':'m'}]}");
    assertThat(((AttributeCondition) all.parts().get(0)).value()).isEqualTo(new Number(5));
    assertThat(((AttributeCondition) all.parts().get(1)).value())
        .isEqualTo(new Date(Instant.parse("2026-01-02T00:00:00Z")));
    assertThat(((AttributeCondition) all.parts().get(2)).value()).isEqualTo(new Text("m"));
  }

  @Test
  void withinCountsBackFromNowAndFreezesIntoSince() throws Exception {
    var relative = json("{'or':[{'activity':'opened','within':'P30D'}]}");
    var parsed = (SegmentFilter.Any) SegmentFilters.parse(relative, id -> true, NOW);
    assertThat(((ActivityCondition) parsed.parts().get(0)).since())
        .isEqualTo(Instant.parse("2026-04-01T00:00:00Z"));

    JsonNode frozen = SegmentFilters.freeze(relative, NOW);
    assertThat(frozen.toString())
        .isEqualTo("{\"or\":[{\"activity\":\"opened\",\"since\":\"2026-04-01T00:00:00Z\"}]}");
    var later = SegmentFilters.parse(frozen, id -> true, NOW.plusSeconds(86_400));
    assertThat(((ActivityCondition) ((SegmentFilter.Any) later).parts().get(0)).since())
        .isEqualTo(Instant.parse("2026-04-01T00:00:00Z"));
  }

  @Test
  void storedDatesAreTheFormsBothDatabasesRead() {
    assertThat(SegmentFilters.storedDateOrNull("2024-01-10"))
        .isEqualTo(Instant.parse("2024-01-10T00:00:00Z"));
    assertThat(SegmentFilters.storedDateOrNull("2024-01-10T10:11:12.5Z"))
        .isEqualTo(Instant.parse("2024-01-10T10:11:12.500Z"));
    assertThat(SegmentFilters.storedDateOrNull("2024-01-10T10:11:12+02:00")).isNull();
    assertThat(SegmentFilters.storedDateOrNull("2024-02-30")).isNull();
    assertThat(SegmentFilters.storedDateOrNull("soon")).isNull();
  }
}
