package io.bqexport.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What the last credential validation established. Never holds secret material. */
public record CredentialsStatus(
    @JsonPropertyDescription("client_email of the service-account key.")
    String serviceAccount,
    @JsonPropertyDescription("project_id of the service-account key.")
    String keyProjectId,
    @JsonPropertyDescription("SHA-256 of the key's private_key_id, to tell keys apart after a rotation.")
    String keyFingerprint,
    @JsonPropertyDescription("When the credentials were last validated successfully.")
    String validatedAt,
    @JsonPropertyDescription("resourceVersions of the referenced Secrets at that validation.")
    String secretVersions) {}
