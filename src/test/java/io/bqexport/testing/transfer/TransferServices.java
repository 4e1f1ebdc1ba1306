package io.bqexport.testing.transfer;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import io.bqexport.api.v1alpha1.DataSpec;
import io.bqexport.api.v1alpha1.Delivery;
import io.bqexport.api.v1alpha1.DestinationSpec;
import io.bqexport.api.v1alpha1.EventsSpec;
import io.bqexport.api.v1alpha1.GcsLocation;
import io.bqexport.api.v1alpha1.GoogleCredentialsSpec;
import io.bqexport.api.v1alpha1.MergeIdsSpec;
import io.bqexport.api.v1alpha1.SecretKeyRef;
import io.bqexport.api.v1alpha1.SourceSpec;
import io.bqexport.api.v1alpha1.StorageSourceSpec;
import io.bqexport.api.v1alpha1.TransferSpec;
import io.bqexport.storage.StorageLayout;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.MutableClock;
import io.bqexport.testing.ServiceAccountKeys;
import io.bqexport.testing.amplitude.AmplitudeEventGenerator;
import io.bqexport.testing.amplitude.GeneratedEvents;
import io.bqexport.testing.bigquery.BigQueryEmulator;
import io.bqexport.testing.storage.AmplitudeStorageExport;
import io.bqexport.testing.storage.CloudStorageStandIn;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;

/**
 * The Google side of Transfer Service delivery on loopback, without an operator: the BigQuery emulator with a
 * registered service-account key, the Cloud Storage stand-in holding Amplitude's export files, and the Transfer
 * Service stand-in (which trusts the emulator's tokens, as every Google API trusts Google's). Tests of the delivery
 * classes drive them directly; {@link TransferExportScenario} puts the operator on top.
 */
public final class TransferServices implements AutoCloseable {
  public static final String NAMESPACE = "analytics";
  public static final String PROJECT = "acme-analytics";
  public static final String DATASET = "amplitude";
  public static final String BUCKET = "acme-amplitude-export";
  public static final String APP_ID = "187000";
  public static final String ORG_ID = "189524";
  public static final String[] PERMISSIONS = {"bigquery.transfers.get", "bigquery.transfers.update"};

  public final MutableClock clock;
  public final BigQueryEmulator bigquery;
  public final CloudStorageStandIn gcs;
  public final AmplitudeStorageExport storage;
  public final GeneratedEvents events = new GeneratedEvents(new AmplitudeEventGenerator(7, 187_000));
  public final TransferServiceStandIn transfer;
  public final ServiceAccountKeys.Key key;

  public TransferServices(Instant now) {
    clock = new MutableClock(now);
    bigquery = BigQueryEmulator.start(clock);
    bigquery.requireAuthentication(true);
    bigquery.createDataset(PROJECT, DATASET);
    gcs = CloudStorageStandIn.start(clock);
    storage = new AmplitudeStorageExport(gcs, BUCKET, new StorageLayout("amplitude", APP_ID, ORG_ID));
    key = ServiceAccountKeys.create(bigquery, PROJECT, "bq-writer");
    transfer = TransferServiceStandIn.start(clock, gcs, bigquery).trustTokensOf(bigquery::serviceAccountOf)
        .grant(key.clientEmail(), PERMISSIONS);
  }

  /** A storage-source export delivered by the Transfer Service, with merged IDs when {@code mergeIds}. */
  public BigQueryExport export(String name, Instant startFrom, boolean mergeIds) {
    BigQueryExport export = new BigQueryExport();
    export.setMetadata(new ObjectMetaBuilder().withNamespace(NAMESPACE).withName(name).build());
    export.setSpec(spec(startFrom, mergeIds, "5 * * * *", null));
    return export;
  }

  public BigQueryExportSpec spec(Instant startFrom, boolean mergeIds, String schedule, String topic) {
    return new BigQueryExportSpec(
        new SourceSpec(null, new StorageSourceSpec(new GcsLocation(BUCKET, "amplitude"), APP_ID,
            mergeIds ? ORG_ID : null, null, gcs.endpoint(), new GoogleCredentialsSpec(
                new SecretKeyRef(ExportFixtures.GOOGLE_SECRET, null), null), null)),
        new DestinationSpec(PROJECT, DATASET, null, new SecretKeyRef(ExportFixtures.GOOGLE_SECRET, null), null,
            bigquery.endpoint()),
        new DataSpec(new EventsSpec(null, null), mergeIds ? new MergeIdsSpec(true, null) : null),
        schedule, null, startFrom.toString(), null, null, null, null, null, null, null,
        Delivery.TransferService, topic == null ? null : new TransferSpec(topic));
  }

  public long rows(String table) {
    return bigquery.rowCount(PROJECT, DATASET, table);
  }

  @Override
  public void close() {
    transfer.close();
    gcs.close();
    bigquery.close();
  }
}
