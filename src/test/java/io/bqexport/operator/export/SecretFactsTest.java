package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.testing.ServiceAccountKeys;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What is kept of a Secret version (key names, blanks, parsed key files, fingerprints), and the cache of them. */
class SecretFactsTest {
  private static final ServiceAccountKeys.Key KEY =
      ServiceAccountKeys.unregistered("http://127.0.0.1:1/token", "acme-analytics", "bq-writer");

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static Secret secret(Map<String, String> data, Map<String, String> stringData) {
    return new SecretBuilder().withNewMetadata().withName("bq-writer").withUid("u1").withResourceVersion("7")
        .endMetadata().withData(data).withStringData(stringData).build();
  }

  @Test
  void keysComeFromDataAndStringDataAndDataWinsAsTheApiServerMergesThem() {
    Map<String, String> data = new HashMap<>();
    data.put("key.json", base64(KEY.json()));
    data.put("empty", null);
    data.put("shared", base64("from data"));
    Map<String, String> stringData = new HashMap<>();
    stringData.put("note", "  ");
    stringData.put("shared", "from stringData");
    stringData.put("gone", null);
    Secret secret = secret(data, stringData);

    SecretFacts facts = SecretFacts.of(secret, Set.of("key.json"));
    assertThat(facts.keys()).containsExactly("key.json", "note", "shared");
    assertThat(facts.has("key.json")).isTrue();
    assertThat(facts.has("empty")).isFalse();
    assertThat(facts.hasText("note")).as("blank").isFalse();
    assertThat(facts.hasText("shared")).isTrue();
    assertThat(new String(SecretFacts.value(secret, "shared"), StandardCharsets.UTF_8)).isEqualTo("from data");
    assertThat(new String(SecretFacts.value(secret, "note"), StandardCharsets.UTF_8)).isEqualTo("  ");
    assertThat(SecretFacts.value(secret, "gone")).isNull();
    assertThat(SecretFacts.value(secret(null, null), "shared")).isNull();
    assertThat(SecretFacts.allKeys(secret(null, null))).isEmpty();
    assertThat(facts.keyFile("key.json").info().clientEmail()).isEqualTo(KEY.clientEmail());
    assertThat(facts.fingerprint("shared")).isNotEqualTo(facts.fingerprint("note"))
        .isEqualTo(SecretFacts.of(secret(Map.of("x", base64("from data")), null), Set.of()).fingerprint("x"));
  }

  @Test
  void factsAnswerForKeyFilesOnlyWhenTheyWereParsed() {
    Secret secret = secret(Map.of("key.json", base64(KEY.json()), "other.json", base64(KEY.json())), null);
    SecretFacts facts = SecretFacts.of(secret, Set.of("key.json"));
    assertThat(facts.parsedKeyFiles()).containsExactly("key.json");
    assertThat(facts.parsed(Set.of("key.json"))).isTrue();
    assertThat(facts.parsed(Set.of("key.json", "other.json"))).as("other.json is there, unparsed").isFalse();
    assertThat(facts.parsed(Set.of("absent.json"))).as("nothing to parse").isTrue();
    assertThat(facts.isOf("u1", "7")).isTrue();
    assertThat(facts.isOf("u1", "8")).isFalse();
    assertThat(facts.isOf("u2", "7")).isFalse();
  }

  @Test
  void theCacheKeepsOneVersionPerSecretAndDropsTheLeastRecentlyUsedBeyondItsCapacity() {
    SecretFactsCache cache = new SecretFactsCache(2);
    SecretFacts facts = SecretFacts.of(secret(Map.of("k", base64("v")), null), Set.of());
    cache.put("ns", "a", facts);
    cache.put("ns", "b", facts);
    assertThat(cache.size()).as("exactly the capacity").isEqualTo(2);
    assertThat(cache.get("ns", "a", "u1", "7")).isSameAs(facts);
    assertThat(cache.get("ns", "a", "u1", "8")).as("another version").isNull();
    assertThat(cache.any("ns", "a")).isSameAs(facts);
    cache.put("ns", "c", facts);
    assertThat(cache.any("ns", "b")).as("least recently used").isNull();
    assertThat(cache.any("ns", "a")).isSameAs(facts);
    cache.forget("ns", "a");
    assertThat(cache.any("ns", "a")).isNull();
    assertThat(cache.size()).isEqualTo(1);
  }
}
