package io.bqexport.testing.bigquery;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Executes a NEWLINE_DELIMITED_JSON load job from an uploaded file: create/write dispositions, typed parsing,
 * ignoreUnknownValues and maxBadRecords. The rows land in one DuckDB transaction, so a failed load changes nothing.
 */
final class NdjsonLoader {
  private static final int MAX_REPORTED_ERRORS = 5;

  /** Where BigQuery's load errors point for an uploaded file (it names uploads file-00000000, file-00000001...). */
  static final String UPLOADED_FILE = "file-00000000";

  private final DuckDb db;
  private final Catalog catalog;
  private final EmulatorLimits limits;

  NdjsonLoader(DuckDb db, Catalog catalog, EmulatorLimits limits) {
    this.db = db;
    this.catalog = catalog;
    this.limits = limits;
  }

  /** What a finished load reports; errors holds the skipped bad records, if any. */
  record Outcome(long outputRows, long badRecords, long inputBytes, List<ObjectNode> errors) {}

  /** A load that failed as a whole; errors[] lists the details like BigQuery's status.errors. */
  static final class LoadFailed extends RuntimeException {
    final ObjectNode errorResult;
    final List<ObjectNode> errors;

    LoadFailed(ObjectNode errorResult, List<ObjectNode> errors) {
      super(errorResult.path("message").asText());
      this.errorResult = errorResult;
      this.errors = errors;
    }
  }

  Outcome load(String defaultProject, JsonNode load, Path data) {
    String format = load.path("sourceFormat").asText("CSV");
    if (!"NEWLINE_DELIMITED_JSON".equals(format)) {
      throw ApiException.invalid("The BigQuery emulator loads only NEWLINE_DELIMITED_JSON, not " + format + ".");
    }
    JsonNode dest = load.path("destinationTable");
    String project = Json.text(dest, "projectId") == null ? defaultProject : Json.text(dest, "projectId");
    TableRef ref = new TableRef(project, Json.text(dest, "datasetId"), Json.text(dest, "tableId"));
    JsonNode fields = db.locked(() -> prepareTable(ref, load));
    return db.session(connection -> {
      long inputBytes = Files.size(data);
      Path canonical = Files.createTempFile("bq-emulator-load", ".ndjson");
      try {
        Parsed parsed = parse(data, fields, load.path("ignoreUnknownValues").asBoolean(false), canonical);
        long maxBad = load.path("maxBadRecords").asLong(0);
        if (parsed.badRecords > maxBad) {
          throw tooManyErrors(parsed);
        }
        long inserted = insert(connection, ref, fields, canonical, parsed.goodRows,
            load.path("writeDisposition").asText(""));
        return new Outcome(inserted, parsed.badRecords, inputBytes, parsed.errors);
      } finally {
        Files.deleteIfExists(canonical);
      }
    });
  }

  private JsonNode prepareTable(TableRef ref, JsonNode load) {
    if (!catalog.datasetExists(ref.project(), ref.dataset())) {
      throw ApiException.notFound("Dataset " + ref.project() + ":" + ref.dataset());
    }
    JsonNode jobSchema = load.path("schema").path("fields");
    if (catalog.find(ref) == null) {
      if ("CREATE_NEVER".equals(load.path("createDisposition").asText())) {
        throw ApiException.notFound("Table " + ref.display());
      }
      if (!jobSchema.isArray() || jobSchema.isEmpty()) {
        throw ApiException.invalid("No schema specified on job or table " + ref.display() + ".");
      }
      ObjectNode extra = Json.object();
      for (String property : List.of("timePartitioning", "clustering")) {
        if (load.has(property)) {
          extra.set(property, load.get(property).deepCopy());
        }
      }
      catalog.createTable(ref, jobSchema, extra);
    } else if (jobSchema.isArray() && !jobSchema.isEmpty()) {
      ArrayNode current = catalog.schemaFields(ref);
      if (current.size() != jobSchema.size()) {
        boolean allowAddition = load.path("schemaUpdateOptions").toString().contains("ALLOW_FIELD_ADDITION");
        if (!allowAddition || jobSchema.size() < current.size()) {
          throw ApiException.invalid("Provided Schema does not match Table " + ref.display()
              + ". Cannot add fields (field count " + jobSchema.size() + " vs " + current.size() + ").");
        }
        ObjectNode patch = Json.object();
        patch.putObject("schema").set("fields", jobSchema.deepCopy());
        catalog.patchTable(ref, patch);
      }
    }
    return catalog.schemaFields(ref);
  }

  private static final class Parsed {
    long goodRows;
    long badRecords;
    final List<ObjectNode> errors = new ArrayList<>();
  }

  private Parsed parse(Path data, JsonNode fields, boolean ignoreUnknown, Path canonical) throws IOException {
    JsonValueConverter converter = new JsonValueConverter(ignoreUnknown, fields);
    Parsed parsed = new Parsed();
    try (InputStream in = Files.newInputStream(data);
        OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(canonical), 1 << 16);
        JsonGenerator gen = Json.MAPPER.getFactory().createGenerator(out)) {
      NdjsonLines lines = new NdjsonLines(in);
      while (lines.next()) {
        if (lines.isBlank()) {
          continue;
        }
        try {
          RowTextLimits.checkSize(lines.length(), limits.maxJsonRowBytes());
          JsonNode parsedRow = parseLine(lines.buffer(), lines.start(), lines.length());
          RowTextLimits.check(parsedRow);
          ObjectNode row = converter.convertRow(parsedRow);
          Json.MAPPER.writeTree(gen, row);
          gen.writeRaw('\n');
          parsed.goodRows++;
        } catch (JsonValueConverter.BadValue e) {
          parsed.badRecords++;
          if (parsed.errors.size() < MAX_REPORTED_ERRORS) {
            parsed.errors.add(rowError(lines.position(), e.getMessage()));
          }
        }
      }
    }
    return parsed;
  }

  private static JsonNode parseLine(byte[] buffer, int start, int length) throws JsonValueConverter.BadValue {
    try {
      return Json.MAPPER.readTree(buffer, start, length);
    } catch (IOException e) {
      throw new JsonValueConverter.BadValue("Parser terminated before end of string");
    }
  }

  private static ObjectNode rowError(long position, String message) {
    ObjectNode e = Json.object();
    e.put("reason", "invalid");
    e.put("location", UPLOADED_FILE);
    e.put("message", "Error while reading data, error message: JSON parsing error in row starting at position "
        + position + ": " + message);
    return e;
  }

  private static LoadFailed tooManyErrors(Parsed parsed) {
    ObjectNode result = Json.object();
    result.put("reason", "invalid");
    result.put("location", UPLOADED_FILE);
    result.put("message", "Error while reading data, error message: JSON table encountered too many errors, "
        + "giving up. Rows: " + (parsed.goodRows + parsed.badRecords) + "; errors: " + parsed.badRecords
        + ". Please look into the errors[] collection for more details.");
    List<ObjectNode> errors = new ArrayList<>();
    errors.add(result.deepCopy());
    errors.addAll(parsed.errors);
    return new LoadFailed(result, errors);
  }

  private long insert(java.sql.Connection connection, TableRef ref, JsonNode fields, Path canonical, long rows,
      String writeDisposition) throws java.sql.SQLException {
    connection.setAutoCommit(false);
    try {
      if ("WRITE_EMPTY".equals(writeDisposition) && rowCount(connection, ref) > 0) {
        throw ApiException.duplicate("Table " + ref.display());
      }
      if ("WRITE_TRUNCATE".equals(writeDisposition)) {
        DuckDb.execute(connection, "DELETE FROM " + ref.sqlName());
      }
      if (rows > 0) {
        DuckDb.execute(connection, "INSERT INTO " + ref.sqlName() + " BY NAME SELECT * FROM read_json("
            + "'" + canonical.toString().replace("'", "''") + "', format='newline_delimited', "
            + "columns=" + columnsStruct(fields) + ")");
      }
      connection.commit();
      catalog.touch(ref);
      return rows;
    } catch (RuntimeException | java.sql.SQLException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
  }

  private static long rowCount(java.sql.Connection connection, TableRef ref) throws java.sql.SQLException {
    try (var s = connection.createStatement(); var rs = s.executeQuery("SELECT count(*) FROM " + ref.sqlName())) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String columnsStruct(JsonNode fields) {
    List<String> parts = new ArrayList<>();
    for (JsonNode field : fields) {
      parts.add("'" + Json.text(field, "name").replace("'", "''") + "': '"
          + BigQueryTypes.duckType(field).replace("'", "''") + "'");
    }
    return "{" + String.join(", ", parts) + "}";
  }
}
