package io.bqexport.testing.bigquery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Datasets and table metadata (the REST resources), kept beside the DuckDB tables that hold the rows.
 * Tables that SQL creates or drops are picked up by {@link #syncWithDuckDb()}. Expired tables are dropped lazily,
 * on the next access.
 */
final class Catalog {
  private final DuckDb db;
  private final Clock clock;
  private final Map<String, ObjectNode> datasets = new LinkedHashMap<>();
  private final Map<TableRef, ObjectNode> tables = new LinkedHashMap<>();

  Catalog(DuckDb db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** The emulator's clock: table expiry and CURRENT_TIMESTAMP() read it. */
  java.time.Instant now() {
    return clock.instant();
  }

  // ---- datasets

  ObjectNode insertDataset(String project, JsonNode body) {
    String dataset = Json.text(body.path("datasetReference"), "datasetId");
    if (dataset == null || !dataset.matches("[A-Za-z0-9_]{1,1024}")) {
      throw ApiException.invalid("Invalid dataset ID \"" + dataset + "\". Dataset IDs must be alphanumeric "
          + "(plus underscores) and must be at most 1024 characters long.");
    }
    return db.locked(() -> {
      String key = project + ":" + dataset;
      if (datasets.containsKey(key)) {
        throw ApiException.duplicate("Dataset " + key);
      }
      db.execute("CREATE SCHEMA " + TableRef.quotedSchema(project, dataset));
      ObjectNode resource = ((ObjectNode) body).deepCopy();
      resource.put("kind", "bigquery#dataset");
      resource.put("id", key);
      resource.putObject("datasetReference").put("projectId", project).put("datasetId", dataset);
      if (!resource.hasNonNull("location")) {
        resource.put("location", "US");
      }
      String now = Long.toString(clock.millis());
      resource.put("creationTime", now);
      resource.put("lastModifiedTime", now);
      resource.put("etag", "e" + now);
      datasets.put(key, resource);
      return resource.deepCopy();
    });
  }

  ObjectNode getDataset(String project, String dataset) {
    return db.locked(() -> requireDataset(project, dataset).deepCopy());
  }

  /** datasets.patch/update: the mutable properties only (description, labels, default expirations, ...). */
  ObjectNode patchDataset(String project, String dataset, JsonNode patch) {
    return db.locked(() -> {
      ObjectNode resource = requireDataset(project, dataset);
      for (String field : List.of("description", "friendlyName", "labels", "defaultTableExpirationMs",
          "defaultPartitionExpirationMs", "access")) {
        if (patch.has(field)) {
          resource.set(field, patch.get(field).deepCopy());
        }
      }
      resource.put("lastModifiedTime", Long.toString(clock.millis()));
      return resource.deepCopy();
    });
  }

  List<ObjectNode> listDatasets(String project) {
    return db.locked(() -> {
      List<ObjectNode> result = new ArrayList<>();
      datasets.forEach((key, value) -> {
        if (key.startsWith(project + ":")) {
          result.add(value.deepCopy());
        }
      });
      return result;
    });
  }

  void deleteDataset(String project, String dataset, boolean deleteContents) {
    db.locked(() -> {
      requireDataset(project, dataset);
      List<TableRef> inside = tablesOf(project, dataset);
      if (!inside.isEmpty() && !deleteContents) {
        throw new ApiException(400, "resourceInUse",
            "Dataset " + project + ":" + dataset + " is still in use");
      }
      db.execute("DROP SCHEMA " + TableRef.quotedSchema(project, dataset) + " CASCADE");
      inside.forEach(tables::remove);
      datasets.remove(project + ":" + dataset);
      return null;
    });
  }

  private ObjectNode requireDataset(String project, String dataset) {
    ObjectNode resource = datasets.get(project + ":" + dataset);
    if (resource == null) {
      throw ApiException.notFound("Dataset " + project + ":" + dataset);
    }
    return resource;
  }

  /**
   * For SQL sent with a location: a dataset that is missing, or lives in another location, is BigQuery's 404
   * "Not found: Dataset p:d was not found in location X". A null location (none sent) accepts any.
   */
  boolean requireDatasetIn(String project, String dataset, String location) {
    String actual = db.locked(() -> {
      ObjectNode resource = datasets.get(project + ":" + dataset);
      return resource == null ? null : resource.path("location").asText("US");
    });
    if (actual == null || location != null && !actual.equalsIgnoreCase(location)) {
      throw ApiException.notFound("Dataset " + project + ":" + dataset + " was not found in location "
          + (location == null ? "US" : location));
    }
    return true;
  }

  /** The dataset's location, or null when there is no such dataset. */
  String locationOf(String project, String dataset) {
    return db.locked(() -> {
      ObjectNode resource = datasets.get(project + ":" + dataset);
      return resource == null ? null : resource.path("location").asText("US");
    });
  }

  boolean datasetExists(String project, String dataset) {
    return db.locked(() -> datasets.containsKey(project + ":" + dataset));
  }

  // ---- tables

  ObjectNode insertTable(String project, String dataset, JsonNode body) {
    String table = Json.text(body.path("tableReference"), "tableId");
    if (table == null || table.isEmpty()) {
      throw ApiException.invalid("tableReference.tableId is required.");
    }
    TableRef ref = new TableRef(project, dataset, table);
    return db.locked(() -> {
      ObjectNode datasetResource = requireDataset(project, dataset);
      if (find(ref) != null) {
        throw ApiException.duplicate("Table " + ref.display());
      }
      if (body.has("view") || body.has("materializedView") || body.has("externalDataConfiguration")) {
        throw ApiException.invalid("The BigQuery emulator supports only native tables, not views or external tables.");
      }
      JsonNode fields = body.path("schema").path("fields");
      createDuckTable(ref, fields);
      ObjectNode resource = ((ObjectNode) body).deepCopy();
      resource.remove("type");
      if (!resource.has("expirationTime") && datasetResource.hasNonNull("defaultTableExpirationMs")) {
        long ttl = datasetResource.get("defaultTableExpirationMs").asLong();
        resource.put("expirationTime", Long.toString(clock.millis() + ttl));
      }
      register(ref, resource);
      return describe(ref);
    });
  }

  /** Creates the table with the given schema (used by load jobs with CREATE_IF_NEEDED as well). */
  void createTable(TableRef ref, JsonNode fields, JsonNode extra) {
    db.locked(() -> {
      requireDataset(ref.project(), ref.dataset());
      createDuckTable(ref, fields);
      ObjectNode resource = extra == null ? Json.object() : ((ObjectNode) extra).deepCopy();
      resource.putObject("schema").set("fields", fields.deepCopy());
      register(ref, resource);
      return null;
    });
  }

  private void createDuckTable(TableRef ref, JsonNode fields) throws SQLException {
    if (!fields.isArray() || fields.isEmpty()) {
      db.execute("CREATE TABLE " + ref.sqlName() + " (\"__no_columns\" BOOLEAN)");
      // BigQuery allows a table without a schema; DuckDB does not, so a hidden placeholder stands in.
      return;
    }
    db.execute("CREATE TABLE " + ref.sqlName() + " (" + BigQueryTypes.columnDefinitions(fields) + ")");
  }

  private void register(TableRef ref, ObjectNode resource) {
    String now = Long.toString(clock.millis());
    resource.put("kind", "bigquery#table");
    resource.put("id", ref.display());
    resource.putObject("tableReference")
        .put("projectId", ref.project()).put("datasetId", ref.dataset()).put("tableId", ref.table());
    resource.put("type", "TABLE");
    resource.put("location", "US");
    resource.put("creationTime", now);
    resource.put("lastModifiedTime", now);
    if (!resource.has("schema")) {
      resource.putObject("schema").putArray("fields");
    }
    tables.put(ref, resource);
  }

  /** The table's current REST resource with numRows, or a 404. */
  ObjectNode getTable(TableRef ref) {
    return db.locked(() -> {
      requireDataset(ref.project(), ref.dataset());
      if (find(ref) == null) {
        throw ApiException.notFound("Table " + ref.display());
      }
      return describe(ref);
    });
  }

  /** Metadata of a live table, or null; drops the table first when it has expired. */
  ObjectNode find(TableRef ref) {
    return db.locked(() -> {
      ObjectNode resource = tables.get(ref);
      if (resource != null && resource.hasNonNull("expirationTime")
          && resource.get("expirationTime").asLong() <= clock.millis()) {
        db.execute("DROP TABLE IF EXISTS " + ref.sqlName());
        tables.remove(ref);
        return null;
      }
      return resource;
    });
  }

  /** Drops every expired table now, so that SQL cannot read one. */
  void expireTables() {
    db.locked(() -> {
      for (TableRef ref : new ArrayList<>(tables.keySet())) {
        find(ref);
      }
      return null;
    });
  }

  private ObjectNode describe(TableRef ref) throws SQLException {
    ObjectNode resource = tables.get(ref).deepCopy();
    long rows = rowCount(ref);
    resource.put("numRows", Long.toString(rows));
    resource.put("numBytes", Long.toString(rows * 100));
    resource.put("etag", "t" + resource.path("lastModifiedTime").asText());
    return resource;
  }

  long rowCount(TableRef ref) throws SQLException {
    try (Statement s = db.connection().createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + ref.sqlName())) {
      rs.next();
      return rs.getLong(1);
    }
  }

  ObjectNode patchTable(TableRef ref, JsonNode patch) {
    return db.locked(() -> {
      requireDataset(ref.project(), ref.dataset());
      ObjectNode resource = find(ref);
      if (resource == null) {
        throw ApiException.notFound("Table " + ref.display());
      }
      if (patch.has("schema")) {
        applySchemaChange(ref, resource.path("schema").path("fields"), patch.path("schema").path("fields"));
        resource.set("schema", patch.get("schema").deepCopy());
      }
      for (String field : List.of("expirationTime", "description", "friendlyName", "labels", "clustering",
          "requirePartitionFilter")) {
        if (patch.has(field)) {
          resource.set(field, patch.get(field).deepCopy());
        }
      }
      if (patch.has("timePartitioning") && resource.has("timePartitioning")) {
        // Only the partition expiration may change on an existing partitioned table.
        ((ObjectNode) resource.get("timePartitioning")).setAll((ObjectNode) patch.get("timePartitioning"));
      }
      resource.put("lastModifiedTime", Long.toString(clock.millis()));
      return describe(ref);
    });
  }

  /** Schema evolution as BigQuery allows it: add NULLABLE/REPEATED columns, relax REQUIRED. */
  private void applySchemaChange(TableRef ref, JsonNode oldFields, JsonNode newFields) throws SQLException {
    Map<String, JsonNode> old = new LinkedHashMap<>();
    oldFields.forEach(f -> old.put(Json.text(f, "name").toLowerCase(), f));
    Set<String> kept = new HashSet<>();
    for (JsonNode field : newFields) {
      String name = Json.text(field, "name");
      JsonNode before = old.get(name.toLowerCase());
      if (before == null) {
        if ("REQUIRED".equalsIgnoreCase(Json.text(field, "mode"))) {
          throw ApiException.invalid("Provided Schema does not match Table " + ref.display()
              + ". Cannot add required fields to an existing schema. (field: " + name + ")");
        }
        db.execute("ALTER TABLE " + ref.sqlName() + " ADD COLUMN " + TableRef.quote(name) + " "
            + BigQueryTypes.duckType(field));
        continue;
      }
      kept.add(name.toLowerCase());
      if (!BigQueryTypes.duckType(before).equals(BigQueryTypes.duckType(field))) {
        throw ApiException.invalid("Provided Schema does not match Table " + ref.display() + ". Field " + name
            + " has changed type from " + Json.text(before, "type") + " to " + Json.text(field, "type"));
      }
      if ("REQUIRED".equalsIgnoreCase(Json.text(before, "mode"))
          && !"REQUIRED".equalsIgnoreCase(Json.text(field, "mode"))) {
        db.execute("ALTER TABLE " + ref.sqlName() + " ALTER COLUMN " + TableRef.quote(name) + " DROP NOT NULL");
      }
    }
    for (String name : old.keySet()) {
      if (!kept.contains(name)) {
        throw ApiException.invalid("Provided Schema does not match Table " + ref.display() + ". Field "
            + name + " is missing in new schema");
      }
    }
  }

  void deleteTable(TableRef ref) {
    db.locked(() -> {
      requireDataset(ref.project(), ref.dataset());
      if (find(ref) == null) {
        throw ApiException.notFound("Table " + ref.display());
      }
      db.execute("DROP TABLE " + ref.sqlName());
      tables.remove(ref);
      return null;
    });
  }

  List<ObjectNode> listTables(String project, String dataset) {
    return db.locked(() -> {
      requireDataset(project, dataset);
      List<ObjectNode> result = new ArrayList<>();
      for (TableRef ref : tablesOf(project, dataset)) {
        if (find(ref) != null) {
          result.add(tables.get(ref).deepCopy());
        }
      }
      return result;
    });
  }

  private List<TableRef> tablesOf(String project, String dataset) {
    List<TableRef> refs = new ArrayList<>();
    for (TableRef ref : tables.keySet()) {
      if (ref.project().equals(project) && ref.dataset().equals(dataset)) {
        refs.add(ref);
      }
    }
    return refs;
  }

  /** The schema fields of every live table, for the GoogleSQL analyzer's catalog. */
  Map<TableRef, JsonNode> liveSchemas() {
    return db.locked(() -> {
      expireTables();
      Map<TableRef, JsonNode> result = new LinkedHashMap<>();
      tables.forEach((ref, resource) -> result.put(ref, resource.path("schema").path("fields").deepCopy()));
      return result;
    });
  }

  /** BigQuery-shaped schema fields of the table. */
  ArrayNode schemaFields(TableRef ref) {
    ObjectNode resource = find(ref);
    if (resource == null) {
      throw ApiException.notFound("Table " + ref.display());
    }
    return (ArrayNode) resource.path("schema").path("fields").deepCopy();
  }

  /** Sets metadata that a CREATE TABLE statement gave in PARTITION BY, CLUSTER BY and OPTIONS. */
  void applyDdlOptions(TableRef ref, ObjectNode options) {
    db.locked(() -> {
      ObjectNode resource = tables.get(ref);
      if (resource != null) {
        resource.setAll(options);
      }
      return null;
    });
  }

  /** Forgets what an earlier table of this name had (CREATE OR REPLACE starts from scratch). */
  void clearDdlMetadata(TableRef ref) {
    db.locked(() -> {
      ObjectNode resource = tables.get(ref);
      if (resource != null) {
        resource.remove(List.of("timePartitioning", "clustering", "expirationTime", "description", "friendlyName",
            "requirePartitionFilter"));
      }
      return null;
    });
  }

  /** Registers tables that SQL created, forgets those it dropped, and follows columns that SQL changed. */
  void syncWithDuckDb() {
    db.locked(() -> {
      Map<String, String[]> schemas = new LinkedHashMap<>();
      for (String key : datasets.keySet()) {
        String[] pd = key.split(":", 2);
        schemas.put(TableRef.schemaName(pd[0], pd[1]), pd);
      }
      Map<TableRef, ArrayNode> live = new LinkedHashMap<>();
      try (Statement s = db.connection().createStatement();
          ResultSet rs = s.executeQuery("SELECT schema_name, table_name, column_name, data_type, is_nullable "
              + "FROM duckdb_columns() WHERE NOT internal ORDER BY schema_name, table_name, column_index")) {
        while (rs.next()) {
          String[] pd = schemas.get(rs.getString(1));
          if (pd == null) {
            continue;
          }
          TableRef ref = new TableRef(pd[0], pd[1], rs.getString(2));
          ArrayNode fields = live.computeIfAbsent(ref, r -> Json.array());
          if (!"__no_columns".equals(rs.getString(3))) {
            fields.add(BigQueryTypes.field(rs.getString(3), rs.getString(4), rs.getBoolean(5)));
          }
        }
      }
      tables.keySet().removeIf(ref -> !live.containsKey(ref));
      live.forEach((ref, fields) -> {
        ObjectNode resource = tables.get(ref);
        if (resource == null) {
          resource = Json.object();
          resource.putObject("schema").set("fields", fields);
          register(ref, resource);
        } else if (!sameColumns(resource.path("schema").path("fields"), fields)) {
          resource.putObject("schema").set("fields", fields);
          resource.put("lastModifiedTime", Long.toString(clock.millis()));
        }
      });
      return null;
    });
  }

  private static boolean sameColumns(JsonNode a, JsonNode b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!Json.text(a.get(i), "name").equalsIgnoreCase(Json.text(b.get(i), "name"))
          || !BigQueryTypes.duckType(a.get(i)).equals(BigQueryTypes.duckType(b.get(i)))) {
        return false;
      }
    }
    return true;
  }

  void touch(TableRef ref) {
    db.locked(() -> {
      ObjectNode resource = tables.get(ref);
      if (resource != null) {
        resource.put("lastModifiedTime", Long.toString(clock.millis()));
      }
      return null;
    });
  }
}
