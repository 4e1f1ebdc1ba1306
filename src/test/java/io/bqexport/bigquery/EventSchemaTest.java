package io.bqexport.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Reading a schema resource. v1() is read once, by the class's static initializer, so these call load() directly:
 * a broken load() would otherwise only show in a JVM that had not initialized the class yet.
 */
class EventSchemaTest {

  @Test
  void loadReadsTheSchemaResource() {
    EventSchema schema = EventSchema.load(EventSchema.RESOURCE);

    assertThat(schema).isEqualTo(EventSchema.v1());
    assertThat(schema.version()).isEqualTo(1);
    assertThat(schema.hourColumn()).isEqualTo("bqexport_hour");
    assertThat(schema.columns()).extracting(EventSchema.Column::name).contains("uuid", "event_time", "extra");
  }

  @Test
  void aResourceMissingFromTheJarIsNamed() {
    assertThatThrownBy(() -> EventSchema.load("/bigquery/no-such-schema.json"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("schema resource missing from the jar: /bigquery/no-such-schema.json");
  }
}
