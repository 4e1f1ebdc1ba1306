package io.bqexport.storage;

/** One export object as listed: read later at exactly this generation, and checked against this size. */
public record ListedObject(String name, long generation, long size, long fileNumber) {}
