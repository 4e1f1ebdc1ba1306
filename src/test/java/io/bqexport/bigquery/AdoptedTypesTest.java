package io.bqexport.bigquery;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardSQLTypeName;
import org.junit.jupiter.api.Test;

/** Which existing column types bqexport writes into, and the staging schema without a target to adopt from. */
class AdoptedTypesTest {

  @Test
  void withoutATargetTableTheStagingSchemaIsOurs() {
    Schema ours = EventSchema.v1().toBigQuerySchema();

    assertThat(AdoptedTypes.stagingSchema(ours, null)).isSameAs(ours);
  }

  @Test
  void decimalColumnsTakeIntegersAndFloatsButNothingElseChangesType() {
    assertThat(AdoptedTypes.accepts(StandardSQLTypeName.NUMERIC, StandardSQLTypeName.INT64)).isTrue();
    assertThat(AdoptedTypes.accepts(StandardSQLTypeName.BIGNUMERIC, StandardSQLTypeName.FLOAT64)).isTrue();
    assertThat(AdoptedTypes.accepts(StandardSQLTypeName.STRING, StandardSQLTypeName.STRING)).isTrue();
    assertThat(AdoptedTypes.accepts(StandardSQLTypeName.NUMERIC, StandardSQLTypeName.STRING)).isFalse();
    assertThat(AdoptedTypes.accepts(StandardSQLTypeName.STRING, StandardSQLTypeName.INT64)).isFalse();
  }
}
