{{/* Chart name, overridable with nameOverride. */}}
{{- define "bqexport-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Prefix of every resource name: <release>-<chart name>, or the release name when it already contains it. */}}
{{- define "bqexport-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "bqexport-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels that select the operator pods; they never change between upgrades. */}}
{{- define "bqexport-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "bqexport-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "bqexport-operator.labels" -}}
helm.sh/chart: {{ include "bqexport-operator.chart" . }}
{{ include "bqexport-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: bqexport
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "bqexport-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "bqexport-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The operator image; the export Jobs use the same one unless exporterImage is set. */}}
{{- define "bqexport-operator.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/*
The permissions the operator needs in every namespace it watches: the single source for both the ClusterRole and
the per-namespace Roles. Exactly what the code uses (OperatorRbacTest records the operator's requests and fails on
a missing grant and on an unused one); no wildcards, no delete (children go with their owner, by garbage collection).
- BigQueryExports, BigQueryBackfills: informers (list, watch); status written by patch. Finalizers update: the
  children carry ownerReferences with blockOwnerDeletion, which the OwnerReferencesPermissionEnforcement admission
  plugin allows only to who may update the owner's finalizers.
  BigQueryExports also patch: an export delivered by the Transfer Service holds the finalizer
  bqexport.io/transfer-configs (added and removed with a patch of metadata.finalizers) until its transfer configs,
  which live in Google Cloud, are deleted.
- Secrets: read-only. Informers (list, watch) to reconcile again when a referenced Secret changes, and a get of the
  two referenced ones; never written, export pods mount them directly.
- ConfigMaps, CronJobs, Jobs: the children per export (job configuration, schedule, backfill and run-now Jobs):
  informers, create, update; get when create finds the name taken; patch of a backfill Job's suspend/parallelism
  and of a finished export Job's bqexport.io/run-recorded label once status.runs holds its record.
- Pods: list and watch, to read the exporter's termination message and failure reasons (unfinished Pods are
  watched; a finished run's Pods are listed once, by job-name).
- Events (core/v1): created, and patched when the same reason recurs.
*/}}
{{- define "bqexport-operator.rules" -}}
- apiGroups: ["bqexport.io"]
  resources: ["bigqueryexports", "bigquerybackfills"]
  verbs: ["list", "watch"]
- apiGroups: ["bqexport.io"]
  resources: ["bigqueryexports"]
  verbs: ["get", "patch"]
- apiGroups: ["bqexport.io"]
  resources: ["bigqueryexports/status", "bigquerybackfills/status"]
  verbs: ["patch"]
- apiGroups: ["bqexport.io"]
  resources: ["bigqueryexports/finalizers", "bigquerybackfills/finalizers"]
  verbs: ["update"]
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "list", "watch"]
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["get", "list", "watch", "create", "update"]
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["list", "watch"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
- apiGroups: ["batch"]
  resources: ["cronjobs"]
  verbs: ["get", "list", "watch", "create", "update", "patch"]
- apiGroups: ["batch"]
  resources: ["jobs"]
  verbs: ["get", "list", "watch", "create", "patch"]
{{- end }}

{{/*
Leader election: only the Lease in the release namespace. fabric8 reads (get), creates and renews it (patch);
JOSDK checks for create, update and get with a SelfSubjectRulesReview before it starts, and refuses without update.
*/}}
{{- define "bqexport-operator.leaderElectionRules" -}}
- apiGroups: ["coordination.k8s.io"]
  resources: ["leases"]
  verbs: ["get", "create", "update", "patch"]
{{- end }}
