package io.bqexport.testing.bigquery;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One lexical token of BigQuery Standard SQL. Strings hold their decoded value. */
record SqlToken(Kind kind, String text) {
  enum Kind { WORD, BACKTICK, STRING, NUMBER, PARAM, POSITIONAL, SYMBOL, SPACE }

  boolean is(String word) {
    return (kind == Kind.WORD || kind == Kind.SYMBOL) && text.equalsIgnoreCase(word);
  }

  String upper() {
    return text.toUpperCase(Locale.ROOT);
  }

  /** Splits BigQuery SQL into tokens; comments become spaces. Unterminated strings are invalid queries. */
  static List<SqlToken> tokenize(String sql) {
    List<SqlToken> out = new ArrayList<>();
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c)) {
        int j = i;
        while (j < n && Character.isWhitespace(sql.charAt(j))) {
          j++;
        }
        out.add(new SqlToken(Kind.SPACE, " "));
        i = j;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-' || c == '#') {
        int j = sql.indexOf('\n', i);
        i = j < 0 ? n : j;
        out.add(new SqlToken(Kind.SPACE, " "));
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int j = sql.indexOf("*/", i + 2);
        if (j < 0) {
          throw ApiException.invalidQuery("Syntax error: Unclosed comment at [" + position(sql, i) + "]");
        }
        i = j + 2;
        out.add(new SqlToken(Kind.SPACE, " "));
      } else if (c == '`') {
        int j = sql.indexOf('`', i + 1);
        if (j < 0) {
          throw ApiException.invalidQuery("Syntax error: Unclosed identifier literal at [" + position(sql, i) + "]");
        }
        out.add(new SqlToken(Kind.BACKTICK, sql.substring(i + 1, j)));
        i = j + 1;
      } else if (c == '\'' || c == '"' || (c == 'r' || c == 'R' || c == 'b' || c == 'B') && i + 1 < n
          && (sql.charAt(i + 1) == '\'' || sql.charAt(i + 1) == '"')) {
        boolean raw = c == 'r' || c == 'R';
        if (c == 'b' || c == 'B') {
          throw ApiException.invalidQuery("Bytes literals are not supported by the BigQuery emulator.");
        }
        int start = raw ? i + 1 : i;
        i = readString(sql, start, raw, out);
      } else if (Character.isDigit(c) || c == '.' && i + 1 < n && Character.isDigit(sql.charAt(i + 1))) {
        int j = i;
        while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '.'
            || (sql.charAt(j) == '+' || sql.charAt(j) == '-') && (sql.charAt(j - 1) == 'e' || sql.charAt(j - 1) == 'E'))) {
          j++;
        }
        out.add(new SqlToken(Kind.NUMBER, sql.substring(i, j)));
        i = j;
      } else if (Character.isLetter(c) || c == '_') {
        int j = i;
        while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) {
          j++;
        }
        out.add(new SqlToken(Kind.WORD, sql.substring(i, j)));
        i = j;
      } else if (c == '@') {
        if (i + 1 < n && sql.charAt(i + 1) == '@') {
          throw ApiException.invalidQuery("System variables (@@...) are not supported by the BigQuery emulator.");
        }
        int j = i + 1;
        while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) {
          j++;
        }
        out.add(new SqlToken(Kind.PARAM, sql.substring(i + 1, j)));
        i = j;
      } else if (c == '?') {
        out.add(new SqlToken(Kind.POSITIONAL, "?"));
        i++;
      } else {
        String two = i + 1 < n ? sql.substring(i, i + 2) : "";
        if (List.of("<=", ">=", "<>", "!=", "||", "::", "=>", "<<", ">>").contains(two)) {
          out.add(new SqlToken(Kind.SYMBOL, two));
          i += 2;
        } else {
          out.add(new SqlToken(Kind.SYMBOL, String.valueOf(c)));
          i++;
        }
      }
    }
    return out;
  }

  private static int readString(String sql, int i, boolean raw, List<SqlToken> out) {
    char quote = sql.charAt(i);
    boolean triple = sql.startsWith(String.valueOf(quote).repeat(3), i);
    String end = triple ? String.valueOf(quote).repeat(3) : String.valueOf(quote);
    int j = i + end.length();
    StringBuilder value = new StringBuilder();
    while (true) {
      if (j >= sql.length()) {
        throw ApiException.invalidQuery("Syntax error: Unclosed string literal at [" + position(sql, i) + "]");
      }
      if (sql.startsWith(end, j)) {
        out.add(new SqlToken(Kind.STRING, value.toString()));
        return j + end.length();
      }
      char c = sql.charAt(j);
      if (c == '\\' && !raw && j + 1 < sql.length()) {
        char e = sql.charAt(j + 1);
        switch (e) {
          case 'n': value.append('\n'); break;
          case 't': value.append('\t'); break;
          case 'r': value.append('\r'); break;
          case '0': value.append('\0'); break;
          default: value.append(e);
        }
        j += 2;
      } else {
        value.append(c);
        j++;
      }
    }
  }

  private static String position(String sql, int offset) {
    int line = 1;
    int col = 1;
    for (int k = 0; k < offset; k++) {
      if (sql.charAt(k) == '\n') {
        line++;
        col = 1;
      } else {
        col++;
      }
    }
    return line + ":" + col;
  }
}
