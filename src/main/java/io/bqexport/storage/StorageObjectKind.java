package io.bqexport.storage;

/** What an object of Amplitude's Cloud Storage export holds. */
public enum StorageObjectKind {
  /** Raw events, one JSON event per line: {@code {appId}_yyyy-MM-dd_H#n.json.gz}. */
  EVENTS,
  /** Merged Amplitude IDs, one merge record per line: {@code -{orgId}_yyyy-MM-dd_H.json.gz}. */
  MERGE_IDS
}
