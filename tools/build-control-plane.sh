#!/usr/bin/env bash
# Builds the real components the end-to-end tier runs against, from Go modules, once per version.
# Binaries land in $BURSTGUARD_CACHE/bin/<component>-<version>/ (default ~/.cache/burstguard), outside
# the clone, so a fresh CI checkout on the same machine reuses them.
#
# stdout: `KEY=VALUE` lines for the test run's environment (PROMETHEUS_BIN, HELM, BURSTGUARD_NODE_ASSETS
# and KEDA_OPERATOR when the real node can run here), then, as the LAST line, the folder that holds kube-apiserver and etcd
# (the KUBEBUILDER_ASSETS convention). With KUBEBUILDER_ASSETS set to a folder holding both binaries they
# are not built; kubelet, kube-scheduler and kube-controller-manager are taken from there too when present.
#
# The real node (kubelet, kube-scheduler, kube-controller-manager; containerd and runc from Debian) is
# built only where it can run: as root on Linux. BUILD_NODE=0 skips it, BUILD_HELM=0 skips helm.
# KEDA's operator (github.com/kedacore/keda/v2, tools/keda) is built with the real node, since only the
# real-node scenarios run it; BUILD_KEDA=0 skips it (KEDA_OPERATOR names a prebuilt one).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${BURSTGUARD_CACHE:-$HOME/.cache/burstguard}
K8S_VERSION=v1.36.3
ETCD_VERSION=v3.6.8
HELM_VERSION=v3.22.0
# Prometheus 3.x is published on the Go module proxy as v0.3MM.P (3.16.0 = v0.316.0): tools/prometheus.
PROMETHEUS_VERSION=3.16.0
log() { echo "build-control-plane: $*" >&2; }
# One KEDA pin for the CRDs, the vendored proto and the operator: tools/fetch-keda-file.sh.
KEDA_VERSION=$(sed -n 's/^KEDA_VERSION=\${KEDA_VERSION:-\(v[0-9.]*\)}$/\1/p' "$here/fetch-keda-file.sh")
if ! grep -Eq "^\s*github.com/kedacore/keda/v2 $KEDA_VERSION( |$)" "$here/keda/go.mod"; then
  log "tools/keda/go.mod does not require github.com/kedacore/keda/v2 $KEDA_VERSION (the pin in tools/fetch-keda-file.sh): change both together"
  exit 1
fi

assets="$cache/bin/k8s-$K8S_VERSION-etcd-$ETCD_VERSION"
have_assets=0
if [ -n "${KUBEBUILDER_ASSETS:-}" ] && [ -x "$KUBEBUILDER_ASSETS/kube-apiserver" ] && [ -x "$KUBEBUILDER_ASSETS/etcd" ]; then
  log "using prebuilt kube-apiserver and etcd from KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS"
  assets=$KUBEBUILDER_ASSETS; have_assets=1
fi
node_assets=$assets
prom_bin=${PROMETHEUS_BIN:-$cache/bin/prometheus-v$PROMETHEUS_VERSION/prometheus}
helm_bin=${HELM:-$cache/bin/helm-$HELM_VERSION/helm}
keda_bin=${KEDA_OPERATOR:-$cache/bin/keda-$KEDA_VERSION/keda-operator}
want_node=0
if [ "${BUILD_NODE:-1}" = 1 ]; then
  if [ "$(uname -s)" = Linux ] && [ "$(id -u)" = 0 ]; then
    # Checked (and on a fresh machine installed) before any long build, so a missing piece fails in seconds.
    if bash "$here/real-node/prereqs.sh"; then want_node=1; fi
  else
    log "not root on Linux: the real-node scenarios will be skipped (they need mount namespaces and cgroups)"
  fi
fi

# Everything still to build, so the Go check happens before the first minutes-long step.
todo=()
[ $have_assets = 1 ] || { [ -x "$assets/kube-apiserver" ] || todo+=(kube-apiserver); [ -x "$assets/etcd" ] || todo+=(etcd); }
[ -x "$prom_bin" ] || todo+=(prometheus)
if [ "${BUILD_HELM:-1}" = 1 ] && [ ! -x "$helm_bin" ]; then todo+=(helm); fi
if [ $want_node = 1 ]; then
  if [ ! -x "$node_assets/kubelet" ]; then node_assets="$cache/bin/k8s-$K8S_VERSION-etcd-$ETCD_VERSION"; fi
  for b in kubelet kube-scheduler kube-controller-manager; do [ -x "$node_assets/$b" ] || todo+=("$b"); done
  if [ "${BUILD_KEDA:-1}" = 1 ] && [ ! -x "$keda_bin" ]; then todo+=(keda-operator); fi
fi
if [ ${#todo[@]} -gt 0 ]; then
  if ! command -v go >/dev/null 2>&1; then
    log "Go is needed to build ${todo[*]} (once per version) and was not found on PATH; install Go >= 1.26.7, or set KUBEBUILDER_ASSETS / PROMETHEUS_BIN / HELM to prebuilt binaries"
    exit 1
  fi
  log "to build (first run only; minutes each): ${todo[*]}"
fi

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod

build() { # build <module dir> <output> <package> [ldflags] [tags]
  local dir=$1 out=$2 pkg=$3 ldflags=${4:-} tags=${5:-}
  if [ -x "$out" ]; then return 0; fi
  log "building $(basename "$out") (first run only; takes minutes)"
  local tmp start; tmp=$(mktemp -d); start=$(date +%s)
  mkdir -p "$(dirname "$out")"
  cp "$here/$dir/go.mod" "$tmp/"; [ -f "$here/$dir/go.sum" ] && cp "$here/$dir/go.sum" "$tmp/"
  (cd "$tmp" && go mod download && go build -trimpath -tags "$tags" -o "$out.tmp" -ldflags "-s -w $ldflags" "$pkg")
  mv "$out.tmp" "$out"; rm -rf "$tmp"
  log "built $(basename "$out") in $(( $(date +%s) - start )) s"
}

P=k8s.io/component-base/version
minor=$(echo "$K8S_VERSION" | cut -d. -f2)
kver="-X $P.gitVersion=$K8S_VERSION -X $P.gitMajor=1 -X $P.gitMinor=$minor -X $P.gitTreeState=clean"
if [ $have_assets = 0 ]; then
  mkdir -p "$assets"
  build kube-apiserver "$assets/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver "$kver"
  build etcd "$assets/etcd" go.etcd.io/etcd/server/v3
fi
# No web UI assets (builtinassets off) and no service discovery but static/file (remove_all_sd): the tier
# only scrapes static loopback targets, and the two tags cut the build to a fraction.
build prometheus "$prom_bin" github.com/prometheus/prometheus/cmd/prometheus \
  "-X github.com/prometheus/common/version.Version=$PROMETHEUS_VERSION" remove_all_sd
echo "PROMETHEUS_BIN=$prom_bin"
if [ "${BUILD_HELM:-1}" = 1 ]; then
  build helm "$helm_bin" helm.sh/helm/v3/cmd/helm "-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
  echo "HELM=$helm_bin"
fi
if [ $want_node = 1 ]; then
  # Same module (tools/kube-apiserver: k8s.io/kubernetes with its staging replaces) and ldflags as the
  # API server, so the whole cluster reports one version.
  for b in kubelet kube-scheduler kube-controller-manager; do
    build kube-apiserver "$node_assets/$b" "k8s.io/kubernetes/cmd/$b" "$kver"
  done
  echo "BURSTGUARD_NODE_ASSETS=$node_assets"
  if [ "${BUILD_KEDA:-1}" = 1 ]; then
    # KEDA's go.mod needs the replace directives it ships with (tools/keda/go.mod repeats them); the
    # operator only: the metrics adapter and the admission webhooks are separate binaries.
    build keda "$keda_bin" github.com/kedacore/keda/v2/cmd/operator "-X github.com/kedacore/keda/v2/version.Version=$KEDA_VERSION"
    echo "KEDA_OPERATOR=$keda_bin"
  fi
fi
echo "$assets"
