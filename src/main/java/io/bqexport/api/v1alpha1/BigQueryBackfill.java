package io.bqexport.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** Exports a historical range of an existing BigQueryExport, in chunks, as one Indexed Job. */
@Group(BigQueryExport.GROUP)
@Version(BigQueryExport.VERSION)
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
