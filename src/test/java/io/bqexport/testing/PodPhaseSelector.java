package io.bqexport.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.ByteString;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * Pods' {@code status.phase!=X} field selector as the API server honours it (fabric8's CRUD mock ignores it): a
 * list leaves such Pods out, and a watch sends a Pod that comes to have phase X as DELETED, as the watch cache does
 * for an object that stops matching its selector
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/field-selectors/#list-of-supported-fields).
 */
final class PodPhaseSelector {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PodPhaseSelector() {}

  /** The phases a Pods list or watch leaves out: empty for other kinds or without such a selector. */
  static Set<String> excluded(String path) {
    Set<String> phases = new HashSet<>();
    URI uri = URI.create(path);
    if (uri.getPath() == null || !uri.getPath().endsWith("/pods") || uri.getRawQuery() == null) {
      return phases;
    }
    for (String parameter : uri.getRawQuery().split("&")) {
      if (parameter.startsWith("fieldSelector=")) {
        String selector = URLDecoder.decode(parameter.substring("fieldSelector=".length()), StandardCharsets.UTF_8);
        for (String term : selector.split(",")) {
          if (term.startsWith("status.phase!=")) {
            phases.add(term.substring("status.phase!=".length()));
          }
        }
      }
    }
    return phases;
  }

  static String filterList(String body, Set<String> excluded) {
    try {
      JsonNode list = JSON.readTree(body);
      if (!(list.get("items") instanceof ArrayNode items)) {
        return body;
      }
      ArrayNode kept = JSON.createArrayNode();
      items.forEach(item -> {
        if (!excluded.contains(item.path("status").path("phase").asText())) {
          kept.add(item);
        }
      });
      ((ObjectNode) list).set("items", kept);
      return JSON.writeValueAsString(list);
    } catch (java.io.IOException e) {
      return body;
    }
  }

  static WebSocketListener wrap(WebSocketListener watch, Set<String> excluded) {
    return new WebSocketListener() {
      @Override
      public void onOpen(WebSocket webSocket, Response response) {
        watch.onOpen(around(webSocket, excluded), response);
      }

      @Override
      public void onMessage(WebSocket webSocket, String text) {
        watch.onMessage(around(webSocket, excluded), text);
      }

      @Override
      public void onClosing(WebSocket webSocket, int code, String reason) {
        watch.onClosing(around(webSocket, excluded), code, reason);
      }

      @Override
      public void onClosed(WebSocket webSocket, int code, String reason) {
        watch.onClosed(around(webSocket, excluded), code, reason);
      }

      @Override
      public void onFailure(WebSocket webSocket, Throwable t, Response response) {
        watch.onFailure(around(webSocket, excluded), t, response);
      }
    };
  }

  private static WebSocket around(WebSocket socket, Set<String> excluded) {
    return new WebSocket() {
      @Override
      public RecordedRequest request() {
        return socket.request();
      }

      @Override
      public boolean send(String text) {
        String event = event(text, excluded);
        return event == null || socket.send(event);
      }

      @Override
      public boolean send(byte[] bytes) {
        return socket.send(bytes);
      }

      @Override
      public boolean send(ByteString bytes) {
        return socket.send(bytes);
      }

      @Override
      public boolean close(int code, String reason) {
        return socket.close(code, reason);
      }
    };
  }

  /** The event as the selector lets it through: null when dropped, DELETED when the Pod left the selection. */
  private static String event(String text, Set<String> excluded) {
    try {
      JsonNode event = JSON.readTree(text);
      if (!excluded.contains(event.path("object").path("status").path("phase").asText())) {
        return text;
      }
      String type = event.path("type").asText();
      if ("ADDED".equals(type)) {
        return null;
      }
      ((ObjectNode) event).put("type", "DELETED");
      return JSON.writeValueAsString(event);
    } catch (java.io.IOException e) {
      return text;
    }
  }
}
