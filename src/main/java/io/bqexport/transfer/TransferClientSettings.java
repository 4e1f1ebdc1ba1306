package io.bqexport.transfer;

import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.core.FixedCredentialsProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.auth.Credentials;
import com.google.cloud.bigquery.datatransfer.v1.DataTransferServiceSettings;

/**
 * How to reach the Transfer Service: an endpoint override (host:port, null for the default), the credentials, and
 * the channel provider. The channel provider is the seam: production uses the client's default gRPC provider for
 * the endpoint, tests a fixed in-process channel to the stand-in; everything above it is the same code.
 */
public record TransferClientSettings(String endpoint, CredentialsProvider credentials,
    TransportChannelProvider channels) {

  /** The real service (or an endpoint override), over the client's default gRPC transport. */
  public static TransferClientSettings of(String endpoint, Credentials credentials) {
    return new TransferClientSettings(endpoint, FixedCredentialsProvider.create(credentials),
        DataTransferServiceSettings.defaultGrpcTransportProviderBuilder().build());
  }

  /** A given channel provider, e.g. a fixed channel to an in-process server. */
  public static TransferClientSettings over(TransportChannelProvider channels, Credentials credentials) {
    return new TransferClientSettings(null, FixedCredentialsProvider.create(credentials), channels);
  }
}
