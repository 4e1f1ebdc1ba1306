package io.bqexport.operator.export;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@link SecretFacts} of the latest version seen of each referenced Secret, by namespace/name, so a reconcile
 * reads a Secret only when its resourceVersion (from the metadata-only informer) changed: before, every reconcile
 * read both Secrets (bench/RESULTS.md). One entry per Secret, replaced by a newer version, dropped when the Secret
 * or an export referencing it goes, and at most {@code capacity} entries (least recently used go first).
 */
final class SecretFactsCache {
  private final Map<String, SecretFacts> byName;

  SecretFactsCache(int capacity) {
    byName = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, SecretFacts> eldest) {
        return size() > capacity;
      }
    };
  }

  /** The facts of that version of the Secret, if known. */
  synchronized SecretFacts get(String namespace, String name, String uid, String resourceVersion) {
    SecretFacts facts = byName.get(key(namespace, name));
    return facts != null && facts.isOf(uid, resourceVersion) ? facts : null;
  }

  /** The facts known for the Secret whatever its version (to keep the key files parsed for other exports). */
  synchronized SecretFacts any(String namespace, String name) {
    return byName.get(key(namespace, name));
  }

  synchronized void put(String namespace, String name, SecretFacts facts) {
    byName.put(key(namespace, name), facts);
  }

  synchronized void forget(String namespace, String name) {
    byName.remove(key(namespace, name));
  }

  synchronized int size() {
    return byName.size();
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }
}
