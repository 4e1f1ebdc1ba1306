package io.bqexport.testing.amplitude;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.SplittableRandom;

/** The nested property objects of a generated event: event/user/group properties, groups, data, plan. */
final class EventProperties {
  private EventProperties() {
  }

  static void writeEventProperties(JsonGenerator j, SplittableRandom r, String eventType) throws IOException {
    if (r.nextInt(30) == 0) {
      j.writeObjectFieldStart("event_properties");
      j.writeEndObject();
      return;
    }
    j.writeObjectFieldStart("event_properties");
    j.writeStringField("page", EventVocabulary.PAGES[r.nextInt(EventVocabulary.PAGES.length)]);
    j.writeStringField("referrer", r.nextBoolean() ? null : "https://www.google.com/");
    if (eventType.startsWith("Purchase") || eventType.startsWith("Add") || r.nextInt(5) == 0) {
      j.writeStringField("price", (r.nextInt(10_000) / 100.0) + "");
      j.writeStringField("quantity", Integer.toString(r.nextInt(1, 5)));
      j.writeNumberField("revenue", r.nextInt(100_000) / 100.0);
      j.writeStringField("currency", r.nextBoolean() ? "USD" : "€");
      j.writeArrayFieldStart("items");
      int items = r.nextInt(1, 4);
      for (int i = 0; i < items; i++) {
        j.writeStartObject();
        j.writeStringField("sku", "SKU-" + r.nextInt(1000));
        j.writeStringField("name",
            EventVocabulary.PRODUCT_NAMES[r.nextInt(EventVocabulary.PRODUCT_NAMES.length)]);
        j.writeArrayFieldStart("tags");
        j.writeString("sale");
        j.writeString(r.nextBoolean() ? "新品" : "🔥");
        j.writeEndArray();
        j.writeEndObject();
      }
      j.writeEndArray();
    }
    j.writeNumberField("load_time_ms", r.nextInt(5000));
    j.writeBooleanField("logged_in", r.nextBoolean());
    j.writeArrayFieldStart("experiments");
    j.writeString("exp-" + r.nextInt(20));
    j.writeNumber(r.nextInt(3));
    j.writeNull();
    j.writeEndArray();
    if (r.nextInt(10) == 0) {
      writeDeep(j, r.nextInt(5, 12));
    }
    if (r.nextInt(20) == 0) {
      // Some senders escape non-ASCII characters; the same text must come out of both spellings.
      j.writeFieldName("escaped_unicode");
      j.writeRawValue("\"caf\\u00e9 \\ud83d\\ude80 \\u65e5\\u672c\"");
    }
    if (r.nextInt(500) == 0) {
      j.writeStringField("description", longText(r.nextInt(20, 120)));
    }
    j.writeEndObject();
  }

  private static void writeDeep(JsonGenerator j, int depth) throws IOException {
    j.writeObjectFieldStart("context");
    for (int level = 1; level < depth; level++) {
      j.writeNumberField("level", level);
      j.writeObjectFieldStart("child");
    }
    j.writeStringField("leaf", "déjà vu ✓ \"end\"");
    for (int level = 0; level < depth; level++) {
      j.writeEndObject();
    }
  }

  private static String longText(int units) {
    StringBuilder text = new StringBuilder(units * EventVocabulary.LONG_TEXT_UNIT.length());
    for (int i = 0; i < units; i++) {
      text.append(EventVocabulary.LONG_TEXT_UNIT);
    }
    return text.toString();
  }

  static void writeUserProperties(JsonGenerator j, SplittableRandom r) throws IOException {
    j.writeObjectFieldStart("user_properties");
    if (r.nextInt(5) > 0) {
      j.writeStringField("plan", EventVocabulary.PLANS[r.nextInt(EventVocabulary.PLANS.length)]);
      j.writeStringField("age", Integer.toString(r.nextInt(18, 80)));
      j.writeStringField("initial_utm_source", r.nextBoolean() ? "google" : null);
      j.writeArrayFieldStart("cohorts");
      j.writeString("beta");
      j.writeString(r.nextBoolean() ? "power users 💪" : "ранние");
      j.writeEndArray();
      j.writeNumberField("lifetime_value", r.nextInt(1_000_000) / 100.0);
      j.writeStringField("display_name", r.nextBoolean() ? "Zoë O'Brien" : "山田 太郎");
    }
    j.writeEndObject();
  }

  static void writeGroups(JsonGenerator j, SplittableRandom r) throws IOException {
    j.writeObjectFieldStart("groups");
    if (r.nextInt(4) == 0) {
      j.writeArrayFieldStart("company");
      j.writeString(EventVocabulary.COMPANIES[r.nextInt(EventVocabulary.COMPANIES.length)]);
      j.writeEndArray();
      j.writeStringField("org_id", Integer.toString(r.nextInt(10_000)));
    }
    j.writeEndObject();
  }

  static void writeGroupProperties(JsonGenerator j, SplittableRandom r) throws IOException {
    j.writeObjectFieldStart("group_properties");
    if (r.nextInt(4) == 0) {
      j.writeObjectFieldStart("company");
      j.writeObjectFieldStart(EventVocabulary.COMPANIES[r.nextInt(EventVocabulary.COMPANIES.length)]);
      j.writeStringField("seats", Integer.toString(r.nextInt(1, 5000)));
      j.writeStringField("tier", EventVocabulary.PLANS[r.nextInt(EventVocabulary.PLANS.length)]);
      j.writeEndObject();
      j.writeEndObject();
    }
    j.writeEndObject();
  }

  static void writeGlobalUserProperties(JsonGenerator j, SplittableRandom r) throws IOException {
    j.writeObjectFieldStart("global_user_properties");
    if (r.nextInt(10) == 0) {
      j.writeBooleanField("email_opt_in", r.nextBoolean());
      j.writeStringField("locale", "fr-CA");
    }
    j.writeEndObject();
  }

  static void writeData(JsonGenerator j, SplittableRandom r) throws IOException {
    j.writeObjectFieldStart("data");
    j.writeStringField("path", r.nextBoolean() ? "/2/httpapi" : "/batch");
    j.writeBooleanField("user_properties_updated", r.nextBoolean());
    j.writeObjectFieldStart("group_first_event");
    j.writeEndObject();
    j.writeObjectFieldStart("group_ids");
    j.writeEndObject();
    j.writeEndObject();
  }

  static void writePlan(JsonGenerator j, SplittableRandom r) throws IOException {
    j.writeObjectFieldStart("plan");
    if (r.nextInt(3) == 0) {
      j.writeStringField("branch", "main");
      j.writeStringField("source", "web");
      j.writeStringField("version", Integer.toString(r.nextInt(1, 40)));
    }
    j.writeEndObject();
  }
}
