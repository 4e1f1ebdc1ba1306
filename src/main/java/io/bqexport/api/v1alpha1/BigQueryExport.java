package io.bqexport.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.PrinterColumnFormat;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** Exports one Amplitude project into one BigQuery dataset, every hour, exactly once. */
@Group(BigQueryExport.GROUP)
@Version(BigQueryExport.VERSION)
@ValidationRule(value = "self.metadata.name.size() <= 63",
    message = "metadata.name must be at most 63 characters: the operator names its children and labels them with bqexport.io/export=NAME, and a label value holds at most 63",
    reason = "FieldValueTooLong")
@ShortNames("bqx")
@Categories("bqexport")
@AdditionalPrinterColumn(name = "Ready", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Exported-Through", type = AdditionalPrinterColumn.Type.DATE,
    format = PrinterColumnFormat.DATE_TIME, jsonPath = ".status.exportedThrough")
@AdditionalPrinterColumn(name = "Last-Result", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.lastRun.result")
@AdditionalPrinterColumn(name = "Last-Success", type = AdditionalPrinterColumn.Type.DATE,
    format = PrinterColumnFormat.DATE_TIME, jsonPath = ".status.lastSuccessfulRun.completionTime")
@AdditionalPrinterColumn(name = "Reason", type = AdditionalPrinterColumn.Type.STRING, priority = 1,
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason")
@AdditionalPrinterColumn(name = "Verified-Through", type = AdditionalPrinterColumn.Type.DATE, priority = 1,
    format = PrinterColumnFormat.DATE_TIME, jsonPath = ".status.integrity.verifiedThrough")
@AdditionalPrinterColumn(name = "Age", type = AdditionalPrinterColumn.Type.DATE,
    jsonPath = ".metadata.creationTimestamp")
public class BigQueryExport extends CustomResource<BigQueryExportSpec, BigQueryExportStatus> implements Namespaced {
  public static final String GROUP = "bqexport.io";
  public static final String VERSION = "v1alpha1";
}
