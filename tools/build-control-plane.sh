#!/usr/bin/env bash
# Builds the real components the end-to-end tier runs against, from Go modules, once per version.
# Binaries land in $BURSTGUARD_CACHE/bin/<component>-<version>/ (default ~/.cache/burstguard), outside
# the clone, so a fresh CI checkout on the same machine reuses them.
# Prints the folder that holds kube-apiserver and etcd (the KUBEBUILDER_ASSETS convention).
# With KUBEBUILDER_ASSETS set to a folder holding both binaries, nothing is built.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${BURSTGUARD_CACHE:-$HOME/.cache/burstguard}
K8S_VERSION=v1.36.3
ETCD_VERSION=v3.6.8
HELM_VERSION=v3.22.0
log() { echo "build-control-plane: $*" >&2; }

if [ -n "${KUBEBUILDER_ASSETS:-}" ] && [ -x "$KUBEBUILDER_ASSETS/kube-apiserver" ] && [ -x "$KUBEBUILDER_ASSETS/etcd" ]; then
  log "using prebuilt binaries from KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS"
  echo "$KUBEBUILDER_ASSETS"
  exit 0
fi

assets="$cache/bin/k8s-$K8S_VERSION-etcd-$ETCD_VERSION"
mkdir -p "$assets"
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod

build() { # build <module dir> <output> <package> [ldflags]
  local dir=$1 out=$2 pkg=$3 ldflags=${4:-}
  if [ -x "$out" ]; then return 0; fi
  log "building $(basename "$out") (first run only; takes minutes)"
  local tmp; tmp=$(mktemp -d)
  cp "$here/$dir/go.mod" "$tmp/"; [ -f "$here/$dir/go.sum" ] && cp "$here/$dir/go.sum" "$tmp/"
  (cd "$tmp" && go mod download && go build -trimpath -o "$out.tmp" -ldflags "-s -w $ldflags" "$pkg")
  mv "$out.tmp" "$out"; rm -rf "$tmp"
}

P=k8s.io/component-base/version
minor=$(echo "$K8S_VERSION" | cut -d. -f2)
build kube-apiserver "$assets/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver \
  "-X $P.gitVersion=$K8S_VERSION -X $P.gitMajor=1 -X $P.gitMinor=$minor -X $P.gitTreeState=clean"
build etcd "$assets/etcd" go.etcd.io/etcd/server/v3
if [ "${BUILD_HELM:-1}" = 1 ]; then
  build helm "$cache/bin/helm-$HELM_VERSION/helm" helm.sh/helm/v3/cmd/helm \
    "-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
fi
echo "$assets"
