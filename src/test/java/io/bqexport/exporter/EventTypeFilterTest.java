package io.bqexport.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.exporter.ExporterConfig.EventFilter;
import io.bqexport.exporter.ExporterConfig.FilterRule;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The filter alone, line by line: which events it keeps and the text the ledger records. EventFilterTest proves the
 * same rules end to end against the emulator; this class lets the filter be mutated against unit tests only.
 */
class EventTypeFilterTest {

  private static FilterRule type(String eventType) {
    return new FilterRule(eventType, null);
  }

  private static FilterRule prefix(String prefix) {
    return new FilterRule(null, prefix);
  }

  private static String event(String type) {
    return "{\"event_type\":\"" + type + "\",\"user_id\":\"u\"}";
  }

  @Test
  void noFilterKeepsEverythingAndRecordsNothing() {
    for (EventTypeFilter none : List.of(EventTypeFilter.of((EventFilter) null),
        EventTypeFilter.of(new EventFilter(null, null)), EventTypeFilter.of(new EventFilter(List.of(), List.of())))) {
      assertThat(none.keepsEverything()).isTrue();
      assertThat(none.canonical()).isNull();
      assertThat(none.keeps(event("Login"))).isTrue();
      assertThat(none.keeps("not json")).isTrue();
    }
  }

  @Test
  void aConfigWithoutDataOrEventsHasNoFilter() {
    ExporterConfig noData = new ExporterConfig(null, null, null, null, "2026-11-01T00:00:00Z", null, null, null, null);
    ExporterConfig noEvents = new ExporterConfig(null, null, null, new ExporterConfig.Data(null, null),
        "2026-11-01T00:00:00Z", null, null, null, null);
    assertThat(EventTypeFilter.of(noData).keepsEverything()).isTrue();
    assertThat(EventTypeFilter.of(noEvents).keepsEverything()).isTrue();
    ExporterConfig filtered = new ExporterConfig(null, null, null, new ExporterConfig.Data(
        new ExporterConfig.Events(true, null, new EventFilter(null, List.of(type("Login")))), null),
        "2026-11-01T00:00:00Z", null, null, null, null);
    assertThat(EventTypeFilter.of(filtered).keepsEverything()).isFalse();
    assertThat(EventTypeFilter.of(filtered).keeps(event("Login"))).isFalse();
  }

  @Test
  void includeKeepsOnlyMatchingTypesByNameOrPrefix() {
    EventTypeFilter filter = EventTypeFilter.of(new EventFilter(List.of(type("Login"), prefix("[Amplitude]")), null));
    assertThat(filter.keepsEverything()).isFalse();
    assertThat(filter.keeps(event("Login"))).isTrue();
    assertThat(filter.keeps(event("[Amplitude] Page Viewed"))).isTrue();
    assertThat(filter.keeps(event("Logout"))).isFalse();
    assertThat(filter.keeps(event("LoginX"))).isFalse();
    assertThat(filter.keeps("{\"user_id\":\"u\"}")).isFalse();
  }

  @Test
  void excludeDropsMatchingTypesAndKeepsTheRest() {
    EventTypeFilter filter = EventTypeFilter.of(new EventFilter(null, List.of(type("Login"), prefix("debug."))));
    assertThat(filter.keeps(event("Login"))).isFalse();
    assertThat(filter.keeps(event("debug.ping"))).isFalse();
    assertThat(filter.keeps(event("Logout"))).isTrue();
    assertThat(filter.keeps("{\"user_id\":\"u\"}")).isTrue();
  }

  @Test
  void excludeWinsOverInclude() {
    EventTypeFilter filter = EventTypeFilter.of(new EventFilter(List.of(prefix("[Amplitude]")),
        List.of(type("[Amplitude] Debug"))));
    assertThat(filter.keeps(event("[Amplitude] Page Viewed"))).isTrue();
    assertThat(filter.keeps(event("[Amplitude] Debug"))).isFalse();
    assertThat(filter.keeps(event("Login"))).isFalse();
  }

  @Test
  void onlyTheLastTopLevelScalarEventTypeCounts() {
    EventTypeFilter filter = EventTypeFilter.of(new EventFilter(null, List.of(type("Login"))));
    assertThat(filter.keeps("{\"event_type\":\"Login\",\"event_type\":\"Pause\"}")).isTrue();
    assertThat(filter.keeps("{\"event_type\":\"Pause\",\"event_type\":\"Login\"}")).isFalse();
    assertThat(filter.keeps("{\"data\":{\"event_type\":\"Login\"},\"event_type\":\"Pause\"}")).isTrue();
    assertThat(filter.keeps("{\"event_type\":\"Pause\",\"data\":[\"Login\",{\"event_type\":\"Login\"}]}")).isTrue();
    EventTypeFilter include = EventTypeFilter.of(new EventFilter(List.of(prefix("")), null));
    assertThat(include.keeps("{\"event_type\":\"\"}")).isTrue();
    assertThat(include.keeps("{\"event_type\":null}")).isFalse();
    assertThat(include.keeps("{\"event_type\":{\"name\":\"Login\"}}")).isFalse();
    assertThat(include.keeps("{\"event_type\":\"Login\",\"event_type\":null}")).isFalse();
  }

  @Test
  void aLineThatIsNotAJsonObjectIsKeptForTheMapperToCount() {
    EventTypeFilter filter = EventTypeFilter.of(new EventFilter(List.of(type("Login")), null));
    assertThat(filter.keeps("not json")).isTrue();
    assertThat(filter.keeps("[\"Login\"]")).isTrue();
    assertThat(filter.keeps("\"Pause\"")).isTrue();
  }

  @Test
  void theRecordedFilterIsSortedDeduplicatedAndQuoted() {
    EventTypeFilter filter = EventTypeFilter.of(new EventFilter(
        List.of(type("b"), prefix("a"), type("b"), type("say \"hi\\\" \u001f\u0001 ok")), List.of()));
    assertThat(filter.canonical()).isEqualTo("{\"include\":[{\"eventType\":\"b\"},"
        + "{\"eventType\":\"say \\\"hi\\\\\\\" \\u001f\\u0001 ok\"},{\"prefix\":\"a\"}],\"exclude\":[]}");
    assertThat(EventTypeFilter.of(new EventFilter(null, List.of(prefix("x")))).canonical())
        .isEqualTo("{\"include\":[],\"exclude\":[{\"prefix\":\"x\"}]}");
  }
}
