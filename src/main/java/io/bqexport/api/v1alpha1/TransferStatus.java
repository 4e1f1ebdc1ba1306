package io.bqexport.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** With delivery TransferService: the transfer configs the operator owns for the export, one per table. */
public record TransferStatus(
    @JsonPropertyDescription("The Transfer Service configs that load the export's tables.")
    List<TransferConfigStatus> configs) {}
