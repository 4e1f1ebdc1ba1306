/**
 * The custom resources of group {@code bqexport.io}, version {@code v1alpha1}. The CRDs in {@code crds/} are
 * generated from these classes; defaults live in the records' constructors and in {@code @Default} for the schema.
 */
package io.bqexport.api.v1alpha1;
