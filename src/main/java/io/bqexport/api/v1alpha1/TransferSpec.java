package io.bqexport.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** Settings of the Transfer Service configs, used only with {@code spec.delivery: TransferService}. */
public record TransferSpec(
    @Pattern("^projects/[a-z][a-z0-9-]{4,28}[a-z0-9]/topics/[A-Za-z][A-Za-z0-9._~+%-]{2,254}$") @Size(max = 320)
    @JsonPropertyDescription("Pub/Sub topic (projects/PROJECT/topics/TOPIC) the Transfer Service notifies when a"
        + " transfer run finishes. Optional.")
    String notificationPubsubTopic) {}
