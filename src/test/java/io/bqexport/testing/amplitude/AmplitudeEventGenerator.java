package io.bqexport.testing.amplitude;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Realistic Amplitude Export API events, deterministic by (seed, upload hour, index) and streamed: event i of an
 * hour is rendered from its own random state, so any event, or just its uuid, can be recomputed without the
 * others and memory stays flat whatever the volume. Every event's server_upload_time lies in its hour (that is
 * how the Export API selects events). The mix covers every documented export key, nulls, unicode, emoji,
 * escapes, numbers sent as strings, long strings, arrays, deep nesting, late events and unknown keys.
 */
public final class AmplitudeEventGenerator {
  /** Top-level keys that are not in Amplitude's documented export schema; they appear in a few events. */
  public static final String[] UNKNOWN_KEYS = {"ingestion_metadata", "$bqexport_unknown_flag"};

  private static final long HOUR_MICROS = 3_600_000_000L;
  private static final long DAY_MICROS = 24 * HOUR_MICROS;
  /** Emoji are written as raw UTF-8 whether the target is a Writer or an OutputStream. */
  private static final JsonFactory JSON = JsonFactory.builder()
      .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
      .build();

  private final long seed;
  private final long appId;

  public AmplitudeEventGenerator(long seed, long appId) {
    this.seed = seed;
    this.appId = appId;
  }

  public long seed() {
    return seed;
  }

  public long appId() {
    return appId;
  }

  /** The uuid of event {@code index} of upload hour {@code hour}. */
  public String uuid(Instant hour, long index) {
    SplittableRandom ids = idRandom(hour, index);
    return new UUID(ids.nextLong() & ~0xF000L | 0x4000L, ids.nextLong() & ~(3L << 62) | 1L << 63).toString();
  }

  /** The $insert_id of event {@code index}, or null for the few events sent without one. */
  public String insertId(Instant hour, long index) {
    SplittableRandom ids = idRandom(hour, index);
    ids.nextLong();
    ids.nextLong();
    if (ids.nextInt(50) == 0) {
      return null;
    }
    return new UUID(ids.nextLong(), ids.nextLong()).toString();
  }

  /** Events [from, to) of an hour as NDJSON lines (without the newline), rendered lazily. */
  public Iterator<String> lines(Instant hour, long from, long to) {
    Instant start = ExportWindowChecks.requireHour(hour);
    StringWriter buffer = new StringWriter(4096);
    JsonGenerator json = newGenerator(buffer);
    return new Iterator<>() {
      private long next = from;

      @Override
      public boolean hasNext() {
        return next < to;
      }

      @Override
      public String next() {
        if (next >= to) {
          throw new NoSuchElementException();
        }
        buffer.getBuffer().setLength(0);
        try {
          writeEvent(json, start, next++);
          json.flush();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return buffer.toString();
      }
    };
  }

  /** Writes events [from, to) of an hour as UTF-8 NDJSON ('\n' after each event) to {@code out}. */
  public void write(Instant hour, long from, long to, OutputStream out) throws IOException {
    Instant start = ExportWindowChecks.requireHour(hour);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
      json.setRootValueSeparator(null);
      for (long i = from; i < to; i++) {
        writeEvent(json, start, i);
        json.writeRaw('\n');
      }
    }
  }

  private static JsonGenerator newGenerator(StringWriter buffer) {
    try {
      JsonGenerator json = JSON.createGenerator(buffer);
      json.setRootValueSeparator(null);
      return json;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private SplittableRandom idRandom(Instant hour, long index) {
    return new SplittableRandom(mix(seed * 31 + hour.getEpochSecond() / 3600, index) ^ 0x5DEECE66DL);
  }

  private SplittableRandom eventRandom(Instant hour, long index) {
    return new SplittableRandom(mix(seed * 17 + hour.getEpochSecond() / 3600, index));
  }

  private static long mix(long a, long b) {
    long z = a * 0x9E3779B97F4A7C15L + b;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private void writeEvent(JsonGenerator j, Instant hour, long index) throws IOException {
    SplittableRandom r = eventRandom(hour, index);
    EventTimes t = EventTimes.draw(r, AmplitudeTimestamps.micros(hour), HOUR_MICROS, DAY_MICROS);
    String[] device = pick(r, EventVocabulary.DEVICES);
    int placeIndex = r.nextInt(EventVocabulary.PLACES.length);
    String[] place = EventVocabulary.PLACES[placeIndex];
    String eventType = pick(r, EventVocabulary.EVENT_TYPES);
    boolean ios = "iOS".equals(device[0]);
    boolean android = "Android".equals(device[0]);
    long userNumber = r.nextLong(1, 2_000_000);

    j.writeStartObject();
    j.writeStringField("server_received_time", AmplitudeTimestamps.format(t.serverReceived()));
    j.writeNumberField("app", appId);
    j.writeStringField("device_carrier", android || ios ? place[5] : null);
    j.writeNumberField("$schema", 12);
    j.writeStringField("city", place[2]);
    j.writeStringField("user_id", userId(r, userNumber));
    j.writeStringField("uuid", uuid(hour, index));
    j.writeStringField("event_time", AmplitudeTimestamps.format(t.event()));
    j.writeStringField("platform", device[0]);
    j.writeStringField("os_version", device[2]);
    j.writeNumberField("amplitude_id", amplitudeId(r, userNumber));
    j.writeStringField("processed_time", AmplitudeTimestamps.format(t.processed()));
    j.writeStringField("user_creation_time",
        r.nextInt(10) == 0 ? null : AmplitudeTimestamps.format(t.event() - r.nextLong(400 * DAY_MICROS)));
    j.writeStringField("version_name", device[0] == null ? null : "3." + r.nextInt(20) + "." + r.nextInt(10));
    j.writeStringField("ip_address", r.nextInt(8) == 0 ? "2001:db8::" + Integer.toHexString(r.nextInt(65536))
        : "203.0.113." + r.nextInt(256));
    writeNullableBoolean(j, "paying", r.nextInt(5) == 0 ? null : r.nextInt(4) == 0);
    j.writeStringField("dma", place[3]);
    EventProperties.writeGroupProperties(j, r);
    EventProperties.writeUserProperties(j, r);
    j.writeStringField("client_upload_time", AmplitudeTimestamps.format(t.clientUpload()));
    j.writeStringField("$insert_id", insertId(hour, index));
    j.writeStringField("event_type", eventType);
    j.writeStringField("library", device[8]);
    j.writeStringField("amplitude_attribution_ids", r.nextInt(50) == 0 ? "adid:" + new UUID(r.nextLong(), 0) : null);
    j.writeStringField("device_type", device[7]);
    j.writeStringField("device_manufacturer", device[4]);
    j.writeStringField("start_version", device[0] == null ? null : "3.0." + r.nextInt(3));
    double[] coordinates = EventVocabulary.COORDINATES[placeIndex];
    writeCoordinate(j, "location_lng", r, coordinates[1]);
    j.writeStringField("server_upload_time", AmplitudeTimestamps.format(t.serverUpload()));
    j.writeNumberField("event_id", r.nextInt(1, 100_000));
    writeCoordinate(j, "location_lat", r, coordinates[0]);
    j.writeStringField("os_name", device[1]);
    j.writeStringField("amplitude_event_type", eventType.startsWith("[Amplitude]")
        ? (eventType.endsWith("Start Session") ? "session_start" : "session_end") : null);
    j.writeStringField("device_brand", device[3]);
    EventProperties.writeGroups(j, r);
    EventProperties.writeEventProperties(j, r, eventType);
    EventProperties.writeData(j, r);
    j.writeStringField("device_id", deviceId(r, ios));
    j.writeStringField("language", place[4]);
    j.writeStringField("device_model", device[5]);
    j.writeStringField("country", place[0]);
    j.writeStringField("region", place[1]);
    j.writeBooleanField("is_attribution_event", r.nextInt(200) == 0);
    j.writeStringField("adid", android && r.nextInt(3) > 0 ? new UUID(r.nextLong(), r.nextLong()).toString() : null);
    j.writeNumberField("session_id", r.nextInt(10) == 0 ? -1 : t.event() / 1000 - r.nextLong(1_800_000));
    j.writeStringField("device_family", device[6]);
    j.writeNullField("sample_rate");
    j.writeStringField("idfa", ios && r.nextInt(3) > 0 ? new UUID(r.nextLong(), r.nextLong()).toString().toUpperCase() : null);
    j.writeStringField("client_event_time", AmplitudeTimestamps.format(t.clientEvent()));
    j.writeStringField("partner_id", r.nextInt(20) == 0 ? "partner-" + r.nextInt(10) : null);
    EventProperties.writePlan(j, r);
    EventProperties.writeGlobalUserProperties(j, r);
    j.writeStringField("source_id", r.nextInt(20) == 0 ? "src_" + r.nextInt(100) : null);
    if (r.nextInt(100) == 0) {
      j.writeObjectFieldStart(UNKNOWN_KEYS[0]);
      j.writeStringField("source_type", "segment");
      j.writeStringField("source_name", "Segment → Amplitude");
      j.writeEndObject();
      j.writeBooleanField(UNKNOWN_KEYS[1], true);
    }
    j.writeEndObject();
  }

  private static String userId(SplittableRandom r, long userNumber) {
    return switch (r.nextInt(10)) {
      case 0, 1, 2 -> null;
      case 3 -> "élodie.dupont+" + userNumber + "@example.com";
      case 4 -> Long.toString(userNumber);
      default -> "user-" + userNumber;
    };
  }

  /** Mostly the usual 11-12 digit ids; sometimes beyond 2^53, where doubles lose precision. */
  private static long amplitudeId(SplittableRandom r, long userNumber) {
    if (r.nextInt(20) == 0) {
      return (1L << 53) + 1 + r.nextLong(1L << 62);
    }
    return 100_000_000_000L + userNumber * 7919;
  }

  private static String deviceId(SplittableRandom r, boolean ios) {
    UUID id = new UUID(r.nextLong(), r.nextLong());
    return ios ? id.toString().toUpperCase() : r.nextInt(3) == 0 ? id + "R" : id.toString();
  }

  private static void writeCoordinate(JsonGenerator j, String name, SplittableRandom r, double base)
      throws IOException {
    if (base == 0 || r.nextInt(3) == 0) {
      j.writeNullField(name);
    } else {
      j.writeNumberField(name, Math.round((base + r.nextDouble(-0.05, 0.05)) * 1e6) / 1e6);
    }
  }

  private static void writeNullableBoolean(JsonGenerator j, String name, Boolean value) throws IOException {
    if (value == null) {
      j.writeNullField(name);
    } else {
      j.writeBooleanField(name, value);
    }
  }

  private static <T> T pick(SplittableRandom r, T[] values) {
    return values[r.nextInt(values.length)];
  }
}
