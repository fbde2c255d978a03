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

{{/*
listenAddress and probes.host only make sense together with hostNetwork: a pod of its own is probed on
its pod IP, so a loopback listenAddress would never pass a probe, and probes.host would send the
kubelet's probes to that address on the node instead of to the pod. Fail with the fix rather than
leave a pod that never gets Ready.
*/}}
{{- define "burstguard.checkListen" -}}
{{- $addr := .Values.listenAddress | default "" -}}
{{- $probeHost := .Values.probes.host | default "" -}}
{{- if and (ne $probeHost "") (not .Values.hostNetwork) -}}
{{- fail (printf "probes.host is %q but hostNetwork is false: the kubelet would probe that address on the node, not the pod; leave probes.host empty (or set hostNetwork: true)" $probeHost) -}}
{{- end -}}
{{- if and (or (hasPrefix "127." $addr) (eq $addr "::1")) (or (not .Values.hostNetwork) (eq $probeHost "")) -}}
{{- fail (printf "listenAddress is %q (loopback): the kubelet's probes reach it only with hostNetwork: true and probes.host: %s" $addr $addr) -}}
{{- end -}}
{{- end -}}
