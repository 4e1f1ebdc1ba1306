package io.bqexport.operator.export;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * An informer store that keeps each object as deflated JSON of a few fields, and rebuilds the object on every read.
 * A sample child of the kind, made by the operator's own code ({@link ChildDictionaries}), is the deflate
 * dictionary: children of one kind differ in little more than names, uids and times, so each packs to a few hundred
 * bytes. A pruned object held as Java maps (fabric8's
 * {@code ReducedStateItemStore}) costs 2 to 13 KiB, which run history for 10,000 exports cannot afford.
 * <p>
 * Writes come from the informers' threads, reads from any thread. Keys are namespace/name, as the informer's.
 */
final class PackedItemStore<R extends HasMetadata> implements ItemStore<R> {
  /** One for all stores: packing is quick, and a Deflater holds a few hundred KiB of native memory. */
  private static final Deflater DEFLATER = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
  private static final List<String> KEY_FIELDS = List.of("metadata.namespace", "metadata.name",
      "metadata.resourceVersion");

  private final Map<String, byte[]> items = new ConcurrentHashMap<>();
  private final Class<R> type;
  private final KubernetesSerialization serialization;
  private final List<String[]> kept;
  private final Consumer<R> dropUnread;
  private final Reader<R> reader;
  private final byte[] dictionary;

  /** Finishes an object read from the store; may defer a bulky part until it is used. */
  interface Reader<R> {
    /**
     * @param unpacked the object as unpacked
     * @param again unpacks the same stored bytes once more, for a part deferred until first use
     */
    R read(R unpacked, java.util.function.Supplier<R> again);
  }

  /**
   * @param fields the dotted paths kept besides namespace, name and resourceVersion, e.g. "status.conditions"
   * @param sample a typical object of the kind, whose kept fields become the dictionary
   * @param dropUnread clears the bulky unread parts (a pod spec) of an object once packed: the informer hands the
   *     same object to its event handlers, whose queue held thousands of full Pods while the operator started
   */
  PackedItemStore(Class<R> type, KubernetesSerialization serialization, List<String> fields, HasMetadata sample,
      Consumer<R> dropUnread) {
    this(type, serialization, fields, sample, dropUnread, (unpacked, again) -> unpacked);
  }

  /** @param reader finishes each object handed out by {@link #get} and {@link #values} */
  PackedItemStore(Class<R> type, KubernetesSerialization serialization, List<String> fields, HasMetadata sample,
      Consumer<R> dropUnread, Reader<R> reader) {
    this.reader = reader;
    this.type = type;
    this.dropUnread = dropUnread;
    this.serialization = serialization;
    this.kept = Stream.concat(KEY_FIELDS.stream(), fields.stream()).map(f -> f.split("\\.")).toList();
    this.dictionary = json(type.cast(sample));
  }

  @Override
  public String getKey(R obj) {
    return Cache.metaNamespaceKeyFunc(obj);
  }

  @Override
  public R put(String key, R obj) {
    byte[] packed = pack(obj);
    dropUnread.accept(obj);
    return unpack(items.put(key, packed));
  }

  @Override
  public R remove(String key) {
    return unpack(items.remove(key));
  }

  @Override
  public Stream<String> keySet() {
    return items.keySet().stream();
  }

  @Override
  public Stream<R> values() {
    return items.values().stream().map(this::read);
  }

  @Override
  public int size() {
    return items.size();
  }

  @Override
  public R get(String key) {
    return read(items.get(key));
  }

  private R read(byte[] packed) {
    return packed == null ? null : reader.read(unpack(packed), () -> unpack(packed));
  }

  /** Initial add events go out page by page: the informer cannot wait for a complete list of packed objects. */
  @Override
  public boolean isFullState() {
    return false;
  }

  /** Bytes held for the object under {@code key}, or -1: for tests of the footprint. */
  int packedSize(String key) {
    byte[] packed = items.get(key);
    return packed == null ? -1 : packed.length;
  }

  private byte[] pack(R obj) {
    byte[] json = json(obj);
    ByteArrayOutputStream out = new ByteArrayOutputStream(json.length / 4 + 16);
    byte[] buffer = new byte[1024];
    synchronized (DEFLATER) {
      DEFLATER.reset();
      DEFLATER.setDictionary(dictionary);
      DEFLATER.setInput(json);
      DEFLATER.finish();
      while (!DEFLATER.finished()) {
        out.write(buffer, 0, DEFLATER.deflate(buffer));
      }
    }
    return out.toByteArray();
  }

  private byte[] json(R obj) {
    return serialization.asJson(prune(obj)).getBytes(StandardCharsets.UTF_8);
  }

  private R unpack(byte[] packed) {
    if (packed == null) {
      return null;
    }
    Inflater inflater = new Inflater(true);
    try {
      inflater.setDictionary(dictionary);
      inflater.setInput(packed);
      ByteArrayOutputStream json = new ByteArrayOutputStream(packed.length * 6);
      byte[] buffer = new byte[4096];
      while (!inflater.finished()) {
        int n = inflater.inflate(buffer);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new IllegalStateException("truncated packed " + type.getSimpleName());
        }
        json.write(buffer, 0, n);
      }
      return serialization.unmarshal(new ByteArrayInputStream(json.toByteArray()), type);
    } catch (DataFormatException e) {
      throw new IllegalStateException("corrupt packed " + type.getSimpleName(), e);
    } finally {
      inflater.end();
    }
  }

  /** The kept fields of {@code obj}, in a map shaped like the object. */
  @SuppressWarnings("unchecked")
  private Map<String, Object> prune(R obj) {
    Map<String, Object> full = serialization.convertValue(obj, Map.class);
    Map<String, Object> pruned = new LinkedHashMap<>();
    for (String[] path : kept) {
      Object value = full;
      for (String step : path) {
        value = value instanceof Map<?, ?> map ? map.get(step) : null;
      }
      if (value == null) {
        continue;
      }
      Map<String, Object> parent = pruned;
      for (String step : Arrays.copyOf(path, path.length - 1)) {
        parent = (Map<String, Object>) parent.computeIfAbsent(step, k -> new LinkedHashMap<String, Object>());
      }
      parent.put(path[path.length - 1], value);
    }
    return pruned;
  }
}
