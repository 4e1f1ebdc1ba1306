package io.bqexport.storage;

import static io.bqexport.storage.StorageObjectKind.EVENTS;
import static io.bqexport.storage.StorageObjectKind.MERGE_IDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Amplitude's documented Cloud Storage layout (destination-catalog/google-cloud-storage, "Exported data format"). */
class StorageLayoutTest {
  private static final Instant H17 = Instant.parse("2020-01-25T17:00:00Z");
  private static final Instant H1 = Instant.parse("2020-01-25T01:00:00Z");
  private static final Instant H11 = Instant.parse("2020-01-25T11:00:00Z");
  private final StorageLayout layout = new StorageLayout("events", "187520", "189524");
  private final StorageLayout legacy = new StorageLayout("", "187520", null);

  @Test
  void namesTheDocumentedExamples() {
    assertThat(layout.eventsObject(H17, 1)).isEqualTo("events/187520/187520_2020-01-25_17#1.json.gz");
    assertThat(new StorageLayout("merged", "187520", "189524").mergeIdsObject(H17))
        .isEqualTo("merged/-189524/-189524_2020-01-25_17.json.gz");
    assertThat(legacy.mergeIdsObject(H17)).isEqualTo("187520/187520_2020-01-25_17.json.gz");
  }

  @Test
  void hoursAreNotZeroPaddedAndThePrefixOfHourOneExcludesHoursTenToNineteen() {
    assertThat(layout.hourPrefix(EVENTS, H1)).isEqualTo("events/187520/187520_2020-01-25_1#");
    assertThat(layout.eventsObject(H11, 0)).doesNotStartWith(layout.hourPrefix(EVENTS, H1));
    assertThat(layout.mergeIdsObject(H11)).doesNotStartWith(layout.hourPrefix(MERGE_IDS, H1));
    assertThat(layout.hourPrefix(EVENTS, Instant.parse("2020-01-25T00:00:00Z"))).endsWith("_2020-01-25_0#");
  }

  /** Names a hostile bucket writer could plant: none is read as a file of this app's hour. */
  @Test
  void namesThatTryToLeaveThePrefixOrTheAppAreNotFilesOfTheLayout() {
    for (String name : new String[] {
        "events/187520/../999/999_2020-01-25_17#1.json.gz",
        "events/187520/187520_2020-01-25_17#1.json.gz/../x",
        "events/187520/187520_2020-01-25_17#1.json.gz/x.json.gz",
        "events/187520/1875201_2020-01-25_17#1.json.gz",
        "events/1875201/1875201_2020-01-25_17#1.json.gz",
        "events/187520/-189524_2020-01-25_17.json.gz",
        "events//187520/187520_2020-01-25_17#1.json.gz",
        "events/187520/187520_2020-01-25_17#1.json.gz.tmp",
        "events/187520/187520_2020-01-25_17#-1.json.gz",
        "events/187520/187520_2020-01-25_24#1.json.gz",
        "events/187520/187520_2020-02-30_17#1.json.gz",
        "events/187520/187520_2020-01-25_17#1.JSON.GZ",
        "events/187520/187520_2020-01-25_17#1\n.json.gz"}) {
      assertThat(layout.parse(EVENTS, name)).as(name).isEmpty();
      assertThat(layout.parse(MERGE_IDS, name)).as(name).isEmpty();
    }
    assertThat(layout.hourPrefix(EVENTS, H17)).as("the listing never reaches another app's directory")
        .startsWith("events/187520/187520_");
  }

  @Test
  void parsesKindHourAndFileNumber() {
    ExportObjectName name = layout.parse(EVENTS, "events/187520/187520_2020-01-25_17#12345.json.gz").orElseThrow();
    assertThat(name.kind()).isEqualTo(EVENTS);
    assertThat(name.hour()).isEqualTo(H17);
    assertThat(name.fileNumber()).isEqualTo(12345);

    ExportObjectName merged = layout.parse(MERGE_IDS, "events/-189524/-189524_2020-01-25_1.json.gz").orElseThrow();
    assertThat(merged.hour()).isEqualTo(H1);
    assertThat(merged.fileNumber()).isZero();
  }

  @Test
  void rejectsNamesOfOtherHours() {
    assertThat(layout.parse(EVENTS, H1, "events/187520/187520_2020-01-25_11#0.json.gz")).isEmpty();
    assertThat(layout.parse(EVENTS, H11, "events/187520/187520_2020-01-25_11#0.json.gz")).isPresent();
    assertThat(layout.parse(EVENTS, H1, "events/187520/187520_2020-01-24_1#0.json.gz")).isEmpty();
  }

  @Test
  void rejectsNamesOutsideTheLayout() {
    assertThat(layout.parse(EVENTS, "events/187520/187520_2020-01-25_01#0.json.gz")).as("zero-padded").isEmpty();
    assertThat(layout.parse(EVENTS, "events/187520/187520_2020-01-25_24#0.json.gz")).as("hour 24").isEmpty();
    assertThat(layout.parse(EVENTS, "events/187520/187520_2020-02-30_1#0.json.gz")).as("no such day").isEmpty();
    assertThat(layout.parse(EVENTS, "events/187520/187520_2020-01-25_1#0.json.gz.tmp")).isEmpty();
    assertThat(layout.parse(EVENTS, "events/187520/999_2020-01-25_1#0.json.gz")).as("other app").isEmpty();
    assertThat(layout.parse(EVENTS, "other/187520/187520_2020-01-25_1#0.json.gz")).as("other prefix").isEmpty();
    assertThat(layout.parse(MERGE_IDS, "events/189524/189524_2020-01-25_1.json.gz")).as("no dash").isEmpty();
  }

  @Test
  void legacyMergedIdsShareTheEventsDirectoryAndDifferByTheMissingFileNumber() {
    String events = legacy.eventsObject(H17, 0);
    String merged = legacy.mergeIdsObject(H17);

    assertThat(legacy.parse(EVENTS, events)).isPresent();
    assertThat(legacy.parse(MERGE_IDS, events)).isEmpty();
    assertThat(legacy.parse(MERGE_IDS, merged)).isPresent();
    assertThat(legacy.parse(EVENTS, merged)).isEmpty();
    assertThat(merged).doesNotStartWith(legacy.hourPrefix(EVENTS, H17));
    assertThat(events).doesNotStartWith(legacy.hourPrefix(MERGE_IDS, H17));
  }

  @Test
  void prefixSlashesAreIgnoredAndAnEmptyPrefixIsTheBucketRoot() {
    assertThat(new StorageLayout("/a/b/", "1", "2").eventsObject(H1, 0)).isEqualTo("a/b/1/1_2020-01-25_1#0.json.gz");
    assertThat(new StorageLayout(null, "1", "-2").mergeIdsObject(H1)).isEqualTo("-2/-2_2020-01-25_1.json.gz");
  }

  @Test
  void badIdsNameTheFieldAndTheFix() {
    assertThatThrownBy(() -> new StorageLayout("p", "abc", "1"))
        .hasMessage("appId must be the Amplitude project ID (a number, e.g. 187520), got 'abc'");
    assertThatThrownBy(() -> new StorageLayout("p", "1", "x1")).hasMessageStartingWith("orgId must be");
    assertThatThrownBy(() -> layout.hourPrefix(EVENTS, H1.plusSeconds(60))).hasMessageContaining("not a whole hour");
  }
}
