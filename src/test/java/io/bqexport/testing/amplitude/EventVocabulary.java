package io.bqexport.testing.amplitude;

/** Value pools for generated events: realistic, with unicode, emoji, quotes and control characters mixed in. */
final class EventVocabulary {
  private EventVocabulary() {
  }

  static final String[] EVENT_TYPES = {
      "Page Viewed", "Page Viewed", "Page Viewed", "Button Clicked", "Button Clicked", "Search Performed",
      "Add To Cart", "Purchase Completed", "Sign Up", "Login", "[Amplitude] Start Session",
      "[Amplitude] End Session", "$identify", "Video Played", "Добавить в корзину", "購入完了",
      "Rocket Launched 🚀", "Quote \"test\" \\ event", "Café Visité"};

  /** platform, os_name, os_version, device_brand, device_manufacturer, device_model, device_family, device_type, library. */
  static final String[][] DEVICES = {
      {"iOS", "ios", "17.1.2", "Apple", "Apple", "iPhone15,2", "Apple iPhone", "Apple iPhone 14 Pro", "amplitude-ios/8.17.1"},
      {"iOS", "ipados", "16.6", "Apple", "Apple", "iPad13,4", "Apple iPad", "Apple iPad Pro", "amplitude-swift/1.3.5"},
      {"Android", "android", "14", "samsung", "samsung", "SM-S911B", "Samsung Phone", "Samsung Galaxy S23", "amplitude-android/2.39.2"},
      {"Android", "android", "12", "Xiaomi", "Xiaomi", "M2101K6G", "Xiaomi Phone", null, "amplitude-kotlin/1.12.0"},
      {"Web", "Chrome", "119", null, null, "Mac OS", "Mac", "Mac", "amplitude-ts/2.1.3"},
      {"Web", "Safari", "17.1", null, null, "iPhone", "Apple iPhone", null, "amplitude-ts/2.1.3"},
      {"Web", "Firefox", "120.0", null, null, "Windows", "Windows", "Windows", "amplitude-js/8.21.9"},
      {null, null, null, null, null, null, null, null, "http/2.0"}};

  /** country, region, city, dma, language, carrier. */
  static final String[][] PLACES = {
      {"United States", "California", "San Francisco", "San Francisco-Oakland-San Jose, CA", "English", "Verizon"},
      {"United States", "New York", "New York", "New York, NY", "English", "T-Mobile"},
      {"Germany", "Berlin", "Berlin", null, "German", "Telekom.de"},
      {"Japan", "Tokyo", "東京", null, "Japanese", "NTT DOCOMO"},
      {"Brazil", "São Paulo", "São Paulo", null, "Portuguese", "Vivo"},
      {"Côte d'Ivoire", "Abidjan", "Abidjan", null, "French", "Orange CI"},
      {"Russia", "Moscow", "Москва", null, "Russian", "МТС"},
      {null, null, null, null, null, null}};

  static final double[][] COORDINATES = {
      {37.7749, -122.4194}, {40.7128, -74.006}, {52.52, 13.405}, {35.6762, 139.6503}, {-23.5505, -46.6333},
      {5.36, -4.0083}, {55.7558, 37.6173}, {0, 0}};

  static final String[] PAGES = {"/", "/pricing", "/docs/getting-started", "/checkout?step=2&coupon=SAVE10",
      "/search?q=caf%C3%A9", "/produits/été", "/ユーザー/設定"};

  static final String[] PRODUCT_NAMES = {"Café ☕ Deluxe", "Widget \"Pro\"", "Tee – size M", "日本茶セット",
      "Emoji Pack 😀🎉👍🏽", "Back\\slash Tool", "Tab\tSeparated", "Line\nBreak", "Nul-ish \u0001 char"};

  static final String[] PLANS = {"free", "starter", "pro", "enterprise"};

  static final String[] COMPANIES = {"Acme Inc.", "Globex GmbH", "Initech", "株式会社テスト", "Zürich AG"};

  static final String LONG_TEXT_UNIT = "Lorem ipsum dolor sit amet, «consectetur» adipiscing elit — ünïcödé ✓ "
      + "emoji 🧪 and \"quotes\" and \\backslashes\\. ";
}
