package io.bqexport.testing.bigquery;

/**
 * One chunk PUT of a resumable upload as the emulator received it.
 *
 * @param bytes the body's length (0 for a final request that only announces the total)
 * @param last whether its Content-Range gave the total size: the request that completes the upload
 */
public record UploadChunk(int bytes, boolean last) {}
