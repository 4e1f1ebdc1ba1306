package io.bqexport.testing.bigquery;

import com.google.zetasql.parser.ASTNode;
import com.google.zetasql.parser.ASTNodes.ASTDeleteStatement;
import com.google.zetasql.parser.ASTNodes.ASTGeneralizedPathExpression;
import com.google.zetasql.parser.ASTNodes.ASTIdentifier;
import com.google.zetasql.parser.ASTNodes.ASTInsertStatement;
import com.google.zetasql.parser.ASTNodes.ASTMergeStatement;
import com.google.zetasql.parser.ASTNodes.ASTPathExpression;
import com.google.zetasql.parser.ASTNodes.ASTTablePathExpression;
import com.google.zetasql.parser.ASTNodes.ASTTruncateStatement;
import com.google.zetasql.parser.ASTNodes.ASTUpdateStatement;
import com.google.zetasql.parser.ParseTreeVisitor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Dataset and table names are case-sensitive in BigQuery ("Datasets": "Dataset names are case-sensitive";
 * "Tables": "Table names are case-sensitive by default"), but the GoogleSQL catalog and DuckDB look names up ignoring
 * case. A table path that matches a live table only when case is ignored is therefore BigQuery's 404: otherwise
 * `UPDATE d.COMMIT_LOCK` would run, and the per-table conflict rules would not see it as the lock table.
 */
final class TableNameCase {
  private TableNameCase() {}

  /** Throws 404 notFound for a table path in {@code statement} that names a live table in another case. */
  static void check(ASTNode statement, Set<TableRef> tables, String project, String datasetProject, String dataset) {
    for (TableRef written : tablePaths(statement, project, datasetProject, dataset)) {
      if (tables.contains(written)) {
        continue;
      }
      for (TableRef table : tables) {
        if (table.project().equals(written.project()) && table.dataset().equalsIgnoreCase(written.dataset())
            && table.table().equalsIgnoreCase(written.table())) {
          throw ApiException.notFound("Table " + written.display() + " was not found in location US");
        }
      }
    }
  }

  /** The tables a parsed statement or script names (FROM, JOIN, DML targets), as written, resolved to p.d.t. */
  static List<TableRef> tablePaths(ASTNode statement, String project, String datasetProject, String dataset) {
    List<ASTPathExpression> paths = new ArrayList<>();
    statement.accept(new ParseTreeVisitor() {
      @Override
      public void visit(ASTTablePathExpression node) {
        add(node.getPathExpr());
        super.visit(node);
      }

      @Override
      public void visit(ASTUpdateStatement node) {
        add(node.getTargetPath());
        super.visit(node);
      }

      @Override
      public void visit(ASTDeleteStatement node) {
        add(node.getTargetPath());
        super.visit(node);
      }

      @Override
      public void visit(ASTInsertStatement node) {
        add(node.getTargetPath());
        super.visit(node);
      }

      @Override
      public void visit(ASTMergeStatement node) {
        add(node.getTargetPath());
        super.visit(node);
      }

      @Override
      public void visit(ASTTruncateStatement node) {
        add(node.getTargetPath());
        super.visit(node);
      }

      private void add(ASTGeneralizedPathExpression path) {
        if (path instanceof ASTPathExpression plain) {
          paths.add(plain);
        }
      }
    });
    List<TableRef> refs = new ArrayList<>();
    for (ASTPathExpression path : paths) {
      TableRef written = resolve(path, project, datasetProject, dataset);
      if (written != null) {
        refs.add(written);
      }
    }
    return refs;
  }

  private static TableRef resolve(ASTPathExpression path, String project, String datasetProject, String dataset) {
    List<String> parts = new ArrayList<>();
    for (ASTIdentifier name : path.getNames()) {
      parts.addAll(List.of(name.getIdString().split("\\.")));
    }
    return switch (parts.size()) {
      case 3 -> new TableRef(parts.get(0), parts.get(1), parts.get(2));
      case 2 -> new TableRef(project, parts.get(0), parts.get(1));
      case 1 -> dataset == null ? null : new TableRef(datasetProject, dataset, parts.get(0));
      default -> null;
    };
  }
}
