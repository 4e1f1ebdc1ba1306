package io.bqexport.testing.bigquery;

import java.util.ArrayList;
import java.util.List;

/**
 * The table a mutating DML statement (UPDATE, DELETE, MERGE, TRUNCATE TABLE) changes, or null for any other
 * statement. INSERT is not mutating DML in BigQuery's concurrency rules.
 */
final class MutatedTable {
  private MutatedTable() {}

  static TableRef of(List<SqlToken> statement, String project, String defaultDataset) {
    if (statement.isEmpty()) {
      return null;
    }
    int at = switch (statement.get(0).upper()) {
      case "UPDATE" -> 1;
      case "DELETE" -> statement.size() > 1 && statement.get(1).is("FROM") ? 2 : 1;
      case "MERGE" -> statement.size() > 1 && statement.get(1).is("INTO") ? 2 : 1;
      case "TRUNCATE" -> 2;
      default -> -1;
    };
    if (at < 0 || at >= statement.size()) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    for (int k = at; k < statement.size(); k += 2) {
      SqlToken token = statement.get(k);
      if (token.kind() != SqlToken.Kind.WORD && token.kind() != SqlToken.Kind.BACKTICK) {
        break;
      }
      parts.addAll(token.kind() == SqlToken.Kind.BACKTICK ? List.of(token.text().split("\\.")) : List.of(token.text()));
      if (k + 1 >= statement.size() || !statement.get(k + 1).is(".")) {
        break;
      }
    }
    return switch (parts.size()) {
      case 3 -> new TableRef(parts.get(0), parts.get(1), parts.get(2));
      case 2 -> new TableRef(project, parts.get(0), parts.get(1));
      case 1 -> defaultDataset == null ? null : new TableRef(project, defaultDataset, parts.get(0));
      default -> null;
    };
  }
}
