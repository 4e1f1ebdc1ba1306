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
the per-namespace Roles. Least privilege, no wildcards.
- Secrets: read-only. The operator caches only their metadata, to reconcile a resource again when a Secret it
  references changes; it never writes Secrets, and export pods mount them directly.
- ConfigMaps, CronJobs, Jobs: the children it creates per export (job configuration, schedule, backfill Jobs).
- Pods: read-only, to read the exporter's termination message and failure reasons (OOMKilled, ImagePullBackOff).
*/}}
{{- define "bqexport-operator.rules" -}}
- apiGroups: ["bqexport.io"]
  resources: ["bigqueryexports", "bigquerybackfills"]
  verbs: ["get", "list", "watch", "patch", "update"]
- apiGroups: ["bqexport.io"]
  resources: ["bigqueryexports/status", "bigquerybackfills/status"]
  verbs: ["get", "patch", "update"]
- apiGroups: ["bqexport.io"]
  resources: ["bigqueryexports/finalizers", "bigquerybackfills/finalizers"]
  verbs: ["update"]
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "list", "watch"]
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list", "watch"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
- apiGroups: ["events.k8s.io"]
  resources: ["events"]
  verbs: ["create", "patch"]
- apiGroups: ["batch"]
  resources: ["cronjobs", "jobs"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
{{- end }}

{{/* Leader election: only the Lease in the release namespace. */}}
{{- define "bqexport-operator.leaderElectionRules" -}}
- apiGroups: ["coordination.k8s.io"]
  resources: ["leases"]
  verbs: ["get", "list", "watch", "create", "update", "patch"]
{{- end }}
