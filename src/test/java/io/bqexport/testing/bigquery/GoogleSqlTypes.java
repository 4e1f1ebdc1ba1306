package io.bqexport.testing.bigquery;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.zetasql.StructType.StructField;
import com.google.zetasql.Type;
import com.google.zetasql.TypeFactory;
import com.google.zetasql.ZetaSQLType.TypeKind;
import java.util.ArrayList;
import java.util.List;

/** BigQuery's REST types (table schema fields, query parameter types) as GoogleSQL analyzer types. */
final class GoogleSqlTypes {
  private GoogleSqlTypes() {}

  /** A table schema field, REPEATED as ARRAY and RECORD as STRUCT. */
  static Type ofField(JsonNode field) {
    Type base;
    if ("RECORD".equals(BigQueryTypes.canonical(Json.text(field, "type")))) {
      List<StructField> fields = new ArrayList<>();
      for (JsonNode sub : field.path("fields")) {
        fields.add(new StructField(Json.text(sub, "name"), ofField(sub)));
      }
      base = TypeFactory.createStructType(fields);
    } else {
      base = simple(Json.text(field, "type"));
    }
    return BigQueryTypes.repeated(field) ? TypeFactory.createArrayType(base) : base;
  }

  /** A query parameter's parameterType: {type, arrayType, structTypes}. */
  static Type ofParameter(JsonNode parameterType) {
    String type = BigQueryTypes.canonical(parameterType.path("type").asText("STRING"));
    if ("ARRAY".equals(type)) {
      return TypeFactory.createArrayType(ofParameter(parameterType.path("arrayType")));
    }
    if ("RECORD".equals(type)) {
      List<StructField> fields = new ArrayList<>();
      for (JsonNode sub : parameterType.path("structTypes")) {
        fields.add(new StructField(Json.text(sub, "name"), ofParameter(sub.path("type"))));
      }
      return TypeFactory.createStructType(fields);
    }
    return simple(type);
  }

  private static Type simple(String bigQueryType) {
    TypeKind kind = switch (BigQueryTypes.canonical(bigQueryType)) {
      case "STRING" -> TypeKind.TYPE_STRING;
      case "BYTES" -> TypeKind.TYPE_BYTES;
      case "INTEGER" -> TypeKind.TYPE_INT64;
      case "FLOAT" -> TypeKind.TYPE_DOUBLE;
      case "NUMERIC" -> TypeKind.TYPE_NUMERIC;
      case "BIGNUMERIC" -> TypeKind.TYPE_BIGNUMERIC;
      case "BOOLEAN" -> TypeKind.TYPE_BOOL;
      case "TIMESTAMP" -> TypeKind.TYPE_TIMESTAMP;
      case "DATETIME" -> TypeKind.TYPE_DATETIME;
      case "DATE" -> TypeKind.TYPE_DATE;
      case "TIME" -> TypeKind.TYPE_TIME;
      case "JSON" -> TypeKind.TYPE_JSON;
      case "GEOGRAPHY" -> TypeKind.TYPE_GEOGRAPHY;
      case "INTERVAL" -> TypeKind.TYPE_INTERVAL;
      default -> throw ApiException.invalid("The type " + bigQueryType + " is not a BigQuery type.");
    };
    return TypeFactory.createSimpleType(kind);
  }
}
