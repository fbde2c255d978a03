#!/usr/bin/env bash
# The real node's system pieces: containerd and runc from Debian, plus unshare (util-linux) and openssl.
# Installs what is missing when it can (root with apt-get); otherwise says exactly what to install.
# Exit 0 when everything is there.
set -euo pipefail
log() { echo "real-node prereqs: $*" >&2; }
missing=()
command -v containerd >/dev/null 2>&1 || missing+=(containerd)
command -v ctr >/dev/null 2>&1 || missing+=(containerd)
[ -x /usr/sbin/runc ] || command -v runc >/dev/null 2>&1 || missing+=(runc)
command -v unshare >/dev/null 2>&1 || missing+=(util-linux)
[ ${#missing[@]} -eq 0 ] && exit 0
pkgs=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  log "installing $pkgs from Debian (apt-get)"
  # policy-rc.d or not, the tier starts its own containerd in a private namespace: no service is wanted.
  export DEBIAN_FRONTEND=noninteractive
  if apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends $pkgs >&2; then exit 0; fi
  log "apt-get install $pkgs failed"
fi
log "missing: $pkgs. Install them (Debian: apt-get install -y containerd runc) to run the real-node scenarios; they are skipped until then"
exit 1
