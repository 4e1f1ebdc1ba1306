package io.bqexport.bigquery;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.StandardSQLTypeName;
import org.junit.jupiter.api.Test;

/**
 * The column helper behind bqexport's own tables. Their schemas are static fields, built once per JVM, so the
 * helper is checked directly.
 */
class SqlTest {

  @Test
  void aFieldOfBqexportsOwnTablesIsNullableAndDescribed() {
    Field field = Sql.field("row_count", StandardSQLTypeName.INT64, "Rows of this hour");

    assertThat(field.getName()).isEqualTo("row_count");
    assertThat(field.getType().getStandardType()).isEqualTo(StandardSQLTypeName.INT64);
    assertThat(field.getMode()).as("nullable, so evolution only ever adds columns").isEqualTo(Field.Mode.NULLABLE);
    assertThat(field.getDescription()).isEqualTo("Rows of this hour");
  }

  @Test
  void theLedgerSchemaIsMadeOfSuchFields() {
    assertThat(Ledger.SCHEMA.getFields()).allSatisfy(f -> {
      assertThat(f.getMode()).isEqualTo(Field.Mode.NULLABLE);
      assertThat(f.getDescription()).isNotBlank();
    });
  }
}
