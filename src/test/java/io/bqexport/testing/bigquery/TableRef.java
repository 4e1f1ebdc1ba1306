package io.bqexport.testing.bigquery;

/** A BigQuery table name and where it lives in DuckDB: one DuckDB schema per project and dataset. */
record TableRef(String project, String dataset, String table) {

  static String schemaName(String project, String dataset) {
    return project + "__" + dataset;
  }

  static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  static String quotedSchema(String project, String dataset) {
    return quote(schemaName(project, dataset));
  }

  String sqlName() {
    return quotedSchema(project, dataset) + "." + quote(table);
  }

  /** How BigQuery names the table in messages: {@code project:dataset.table}. */
  String display() {
    return project + ":" + dataset + "." + table;
  }
}
