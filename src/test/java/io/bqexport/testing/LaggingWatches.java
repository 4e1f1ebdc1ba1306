package io.bqexport.testing;

import io.fabric8.mockwebserver.http.ByteString;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Watches that fall behind on demand. A real API server's watch delivers an object's changes in order but late under
 * load, so an informer's copy can lag the operator's own writes; this makes that lag happen when a test says so.
 * While held, a watch of the named resource sends nothing from its first MODIFIED event on (earlier ADDED events
 * still go, so the informer knows the object), and sends the held events in order on release.
 */
final class LaggingWatches {
  private final List<Gate> gates = new CopyOnWriteArrayList<>();
  private volatile String heldResource;

  /** Wraps a watch's listener so that its sends pass through a gate. */
  WebSocketListener wrap(String path, WebSocketListener watch) {
    Gate gate = new Gate(path);
    gates.add(gate);
    return new WebSocketListener() {
      @Override
      public void onOpen(WebSocket webSocket, Response response) {
        watch.onOpen(gate.around(webSocket), response);
      }

      @Override
      public void onMessage(WebSocket webSocket, String text) {
        watch.onMessage(gate.around(webSocket), text);
      }

      @Override
      public void onClosing(WebSocket webSocket, int code, String reason) {
        watch.onClosing(gate.around(webSocket), code, reason);
      }

      @Override
      public void onClosed(WebSocket webSocket, int code, String reason) {
        watch.onClosed(gate.around(webSocket), code, reason);
      }

      @Override
      public void onFailure(WebSocket webSocket, Throwable t, Response response) {
        watch.onFailure(gate.around(webSocket), t, response);
      }
    };
  }

  /** From now on, holds the MODIFIED events (and all after them) of watches on {@code resource} (a plural). */
  void hold(String resource) {
    heldResource = resource;
  }

  /** Sends what was held, in order, and holds nothing more. */
  void release() {
    heldResource = null;
    gates.forEach(Gate::flush);
  }

  private boolean holds(String path) {
    return heldResource != null && path.contains("/" + heldResource);
  }

  private final class Gate {
    private final String path;
    private final List<String> held = new ArrayList<>();
    private WebSocket socket;

    Gate(String path) {
      this.path = path;
    }

    WebSocket around(WebSocket webSocket) {
      synchronized (this) {
        socket = webSocket;
      }
      return new WebSocket() {
        @Override
        public RecordedRequest request() {
          return webSocket.request();
        }

        @Override
        public boolean send(String text) {
          return Gate.this.send(text);
        }

        @Override
        public boolean send(byte[] bytes) {
          return webSocket.send(bytes);
        }

        @Override
        public boolean send(ByteString bytes) {
          return webSocket.send(bytes);
        }

        @Override
        public boolean close(int code, String reason) {
          return webSocket.close(code, reason);
        }
      };
    }

    synchronized boolean send(String event) {
      if (!held.isEmpty() || holds(path) && event.contains("\"type\":\"MODIFIED\"")) {
        held.add(event);
        return true;
      }
      return socket.send(event);
    }

    synchronized void flush() {
      held.forEach(socket::send);
      held.clear();
    }
  }
}
