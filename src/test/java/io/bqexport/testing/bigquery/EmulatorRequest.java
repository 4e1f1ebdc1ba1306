package io.bqexport.testing.bigquery;

import java.util.Map;

/** What a fault rule or hook sees of a request: method, path (without query) and query parameters. */
public record EmulatorRequest(String method, String path, Map<String, String> query) {}
