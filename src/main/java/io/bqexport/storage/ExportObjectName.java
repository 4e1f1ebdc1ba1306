package io.bqexport.storage;

import java.time.Instant;

/**
 * A parsed object name of Amplitude's Cloud Storage export.
 *
 * @param hour the upload hour (UTC) the file belongs to
 * @param fileNumber the {@code #n} partition of an events file; 0 for merged-ID files, which have one file per hour
 */
public record ExportObjectName(String name, StorageObjectKind kind, Instant hour, long fileNumber) {}
