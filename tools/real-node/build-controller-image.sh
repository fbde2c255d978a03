#!/usr/bin/env bash
# Builds the burstguard controller image with no registry and no docker daemon: a one-layer docker-archive
# tarball that follows deploy/Dockerfile (the user-facing path) — the built dist and production
# node_modules under /app, Node.js at /nodejs/bin/node, uid/gid 65532, entrypoint `node dist/src/cli/main.js`
# (the `burstguard` bin) with default command `run`, NODE_ENV=production.
#
# The Node.js runtime is this machine's own node binary (the one that runs the tests) and the shared
# libraries `ldd` lists for it (Debian 12's glibc, libstdc++ and libgcc, the same packages distroless
# debian12 is made of), copied as files; nothing is downloaded but the npm packages of package-lock.json
# (`npm ci --omit=dev`, from npm's cache when it has them). deploy/README.md "Building the image without a
# registry" describes the recipe.
#
# Cached in $BURSTGUARD_CACHE/images/controller-<hash>/ keyed by the contents of everything that goes in
# (sources, lock file, node and its libraries, this script); prints that folder, which holds
# controller.tar (tag burstguard.local/burstguard:e2e; NODE_BIN overrides the node binary).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${BURSTGUARD_CACHE:-$HOME/.cache/burstguard}
node_bin=$(readlink -f "${NODE_BIN:-$(command -v node)}")
tag=burstguard.local/burstguard:e2e

# The loader and libraries node needs, as "name-inside-the-image path-on-this-machine" pairs.
libs=$(ldd "$node_bin" | awk '/=> \// { print $3 } /^[[:space:]]*\/[^ ]+ \(/ { print $1 }')
[ -n "$libs" ] || { echo "build-controller-image: ldd listed no libraries for $node_bin" >&2; exit 1; }

key=$( {
  cat "$0" "$root/package.json" "$root/package-lock.json" "$root/tsconfig.json" "$root/tsconfig.build.json"
  (cd "$root" && find src models bench third_party -type f ! -name '*.test.ts' | LC_ALL=C sort | xargs sha256sum)
  sha256sum "$node_bin"
  for l in $libs; do echo "$l"; sha256sum "$(readlink -f "$l")"; done
} | sha256sum | cut -c1-16)
out="$cache/images/controller-$key"
if [ -s "$out/controller.tar" ]; then echo "$out"; exit 0; fi

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
r="$tmp/root"
mkdir -p "$r/app" "$r/nodejs/bin" "$r/etc" "$r/home/nonroot" "$r/tmp" "$tmp/archive/layer" "$out"

# The Dockerfile's build stage: compile, then the production dependencies only (no install scripts).
(cd "$root" && node node_modules/typescript/bin/tsc -p tsconfig.build.json --outDir "$r/app/dist" --sourceMap false) >&2
cp "$root/package.json" "$root/package-lock.json" "$r/app/"
(cd "$r/app" && npm ci --omit=dev --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error) >&2
rm "$r/app/package-lock.json"
mkdir -p "$r/app/models"
cp -r "$root/models/priors" "$r/app/models/priors"
cp -r "$root/third_party" "$r/app/third_party"

# The runtime stage: node and exactly the libraries it links, at the paths the loader looks for them.
cp "$node_bin" "$r/nodejs/bin/node"
for l in $libs; do
  mkdir -p "$r$(dirname "$l")"
  cp "$(readlink -f "$l")" "$r$l"
done
# distroless's nonroot user; no shell (the login shell does not exist, as in distroless).
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$r/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$r/etc/group"
chmod 1777 "$r/tmp"

# One layer with fixed owners and times (the same inputs give the same digest); /home/nonroot is the
# user's own, as in distroless.
tar --owner=0 --group=0 --numeric-owner --mtime=@0 --sort=name -C "$r" --exclude=./home/nonroot -cf "$tmp/archive/layer/layer.tar" .
tar --owner=65532 --group=65532 --numeric-owner --mtime=@0 -C "$r" -rf "$tmp/archive/layer/layer.tar" ./home/nonroot
diff=$(sha256sum "$tmp/archive/layer/layer.tar" | cut -d' ' -f1)
cat > "$tmp/archive/config.json" <<EOF
{"architecture":"amd64","os":"linux","config":{"User":"65532:65532","WorkingDir":"/app","Env":["PATH=/nodejs/bin:/usr/bin:/bin","NODE_ENV=production"],"Entrypoint":["/nodejs/bin/node","dist/src/cli/main.js"],"Cmd":["run"],"ExposedPorts":{"8080/tcp":{}}},"rootfs":{"type":"layers","diff_ids":["sha256:$diff"]}}
EOF
cfg=$(sha256sum "$tmp/archive/config.json" | cut -d' ' -f1)
mv "$tmp/archive/config.json" "$tmp/archive/$cfg.json"
printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["layer/layer.tar"]}]' "$cfg" "$tag" > "$tmp/archive/manifest.json"
tar --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$tmp/archive" -cf "$out/controller.tar.tmp" manifest.json "$cfg.json" layer
mv "$out/controller.tar.tmp" "$out/controller.tar"
echo "$out"
