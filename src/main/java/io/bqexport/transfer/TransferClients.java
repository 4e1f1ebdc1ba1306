package io.bqexport.transfer;

import com.google.auth.Credentials;

/**
 * Opens a {@link TransferClient} with given credentials: the operator's seam to the Transfer Service. Production
 * uses {@link #grpc}; tests pass one that opens an in-process channel to the stand-in.
 */
@FunctionalInterface
public interface TransferClients {
  TransferClient open(Credentials credentials);

  /** The real service, or an endpoint override (host:port; null for the default). */
  static TransferClients grpc(String endpoint) {
    return credentials -> TransferClient.create(TransferClientSettings.of(endpoint, credentials));
  }
}
