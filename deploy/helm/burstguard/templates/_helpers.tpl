{{/* The name of every object: the release name unless overridden. */}}
{{- define "burstguard.fullname" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "burstguard.labels" -}}
app.kubernetes.io/name: burstguard
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "burstguard.selectorLabels" -}}
app.kubernetes.io/name: burstguard
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The Lease name the controller uses (config.leaderElection.leaseName, default burstguard). */}}
{{- define "burstguard.leaseName" -}}
{{- dig "leaderElection" "leaseName" "burstguard" .Values.config -}}
{{- end -}}
