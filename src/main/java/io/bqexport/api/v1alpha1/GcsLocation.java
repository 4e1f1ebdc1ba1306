package io.bqexport.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** A Cloud Storage bucket and the folder in it that Amplitude writes to. */
// Google's bucket naming rules (https://cloud.google.com/storage/docs/buckets#naming) beyond the pattern.
@ValidationRule(value = "self.bucket.contains('.') || self.bucket.size() <= 63",
    message = "spec.source.storage.gcs.bucket: a bucket name without dots has at most 63 characters",
    reason = "FieldValueInvalid")
@ValidationRule(value = "!self.bucket.startsWith('goog') && !self.bucket.contains('google')",
    message = "spec.source.storage.gcs.bucket: Cloud Storage bucket names cannot start with 'goog' or contain"
        + " 'google'; use the bucket name given to Amplitude",
    reason = "FieldValueInvalid")
public record GcsLocation(
    @Required @Pattern(ApiPatterns.BUCKET) @Size(min = 3, max = 222)
    @JsonPropertyDescription("The bucket name (no gs:// prefix): lowercase letters, digits, '-', '_' and '.',"
        + " starting and ending with a letter or digit.")
    String bucket,
    @Pattern(ApiPatterns.OBJECT_PREFIX) @Size(max = 1024)
    @JsonPropertyDescription("The folder in the bucket given to Amplitude, e.g. amplitude/prod. Default: the bucket"
        + " root.")
    String prefix) {}
