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

{{/*
The controller image. No image is published, so the default repository is a placeholder
(registry.example.com is reserved and never a real registry): fail with what to do rather than
leave pods in ImagePullBackOff.
*/}}
{{- define "burstguard.image" -}}
{{- $repo := .Values.image.repository | default "" -}}
{{- if or (eq $repo "") (hasPrefix "registry.example.com/" $repo) -}}
{{- fail (printf "image.repository is %q, a placeholder: no burstguard image is published. Build one from deploy/Dockerfile, push it to a registry you control, and install with --set image.repository=<your-registry>/burstguard (see deploy/README.md, \"Container image\")" $repo) -}}
{{- end -}}
{{- printf "%s:%s" $repo (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}
