package io.bqexport.bench;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A Kubernetes API path taken apart: {@code /api/v1/namespaces/NS/PLURAL[/NAME[/SUB]]} or
 * {@code /apis/GROUP/VERSION/namespaces/NS/PLURAL[/NAME[/SUB]]} (namespace optional), and its query.
 */
record ApiRequestPath(String plural, String name, String subresource, Map<String, String> query) {
  static ApiRequestPath parse(String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    Map<String, String> query = new HashMap<>();
    if (q >= 0) {
      for (String pair : pathAndQuery.substring(q + 1).split("&")) {
        int eq = pair.indexOf('=');
        query.put(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
      }
    }
    String[] parts = path.split("/");
    // ["", "api", "v1", ...] or ["", "apis", group, version, ...]
    int at = parts.length > 1 && "apis".equals(parts[1]) ? 4 : 3;
    if (parts.length > at + 1 && "namespaces".equals(parts[at])) {
      at += 2;
    }
    String plural = parts.length > at ? parts[at] : null;
    String name = parts.length > at + 1 ? parts[at + 1] : null;
    String sub = parts.length > at + 2 ? parts[at + 2] : null;
    return new ApiRequestPath(plural, name, sub, query);
  }

  boolean watch() {
    return "true".equals(query.get("watch")) || "1".equals(query.get("watch"));
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
