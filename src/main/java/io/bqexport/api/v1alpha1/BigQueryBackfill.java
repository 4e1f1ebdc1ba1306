package io.bqexport.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** Exports a historical range of an existing BigQueryExport, in chunks, as one Indexed Job. */
@Group(BigQueryExport.GROUP)
@Version(BigQueryExport.VERSION)
@ValidationRule(value = "self.metadata.name.size() <= 63",
    message = "metadata.name must be at most 63 characters: the operator names its Job NAME-backfill and labels its pods with the name, and a label value holds at most 63",
    reason = "FieldValueTooLong")
@ShortNames("bqbf")
@Categories("bqexport")
@AdditionalPrinterColumn(name = "Export", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".spec.exportRef.name")
@AdditionalPrinterColumn(name = "Phase", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".status.phase")
@AdditionalPrinterColumn(name = "Progress", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.progress.percent")
@AdditionalPrinterColumn(name = "Rows", type = AdditionalPrinterColumn.Type.INTEGER, jsonPath = ".status.progress.rows")
@AdditionalPrinterColumn(name = "Mode", type = AdditionalPrinterColumn.Type.STRING, priority = 1,
    jsonPath = ".spec.mode")
@AdditionalPrinterColumn(name = "Age", type = AdditionalPrinterColumn.Type.DATE,
    jsonPath = ".metadata.creationTimestamp")
public class BigQueryBackfill extends CustomResource<BigQueryBackfillSpec, BigQueryBackfillStatus>
    implements Namespaced {}
