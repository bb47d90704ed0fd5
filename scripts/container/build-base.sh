#!/usr/bin/env bash
# Build a local stand-in for the official node:*-bookworm-slim image, for machines that
# reach Debian's archive and the npm registry but no container registry.
#
#   scripts/container/build-base.sh            # builds local/node:20-bookworm if missing
#   FORCE=1 scripts/container/build-base.sh    # rebuild even if present
#
# The image is a debootstrap minbase bookworm with this machine's node, npm and corepack,
# a user `node` (uid/gid 1000, home /home/node) like the official image, and this
# machine's CA bundle with NODE_EXTRA_CA_CERTS set, so that `npm ci` inside a build works
# behind a TLS-intercepting proxy. That certificate is deliberately kept here and not in
# the project's Dockerfile, which stays portable. For testing only: never publish it.
set -euo pipefail

TAG=${BASE_TAG:-local/node:20-bookworm}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

command -v podman >/dev/null 2>&1 || { echo "build-base: podman is not installed" >&2; exit 1; }

if [ "${FORCE:-0}" != 1 ] && podman image exists "$TAG"; then
  echo "build-base: $TAG already present"
  exit 0
fi

node_bin=$(readlink -f "$(command -v node)")
npm_root=$(npm root -g)
ca_bundle=/etc/ssl/certs/ca-certificates.crt
[ -x "$node_bin" ] || { echo "build-base: node not found on this machine" >&2; exit 1; }
[ -d "$npm_root/npm" ] || { echo "build-base: npm not found under $npm_root" >&2; exit 1; }
[ -r "$ca_bundle" ] || { echo "build-base: $ca_bundle missing" >&2; exit 1; }

work=$(mktemp -d /var/tmp/policylint-base.XXXXXX)
trap 'as_root rm -rf "$work"' EXIT
rootfs=$work/rootfs
start=$(now_ms)

echo "build-base: debootstrap $SUITE (minbase) from $MIRROR ..."
if ! as_root debootstrap --variant=minbase "$SUITE" "$rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1; then
  tail -n 20 "$work/debootstrap.log" >&2
  echo "build-base: debootstrap failed" >&2
  exit 1
fi

# Trim the way the official -slim images do: no docs, man pages or translations, now
# and for packages installed later (e.g. git in the project's runtime stage).
as_root tee "$rootfs/etc/dpkg/dpkg.cfg.d/docker-slim" >/dev/null <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
CFG
# Unlike the official images, no docker-clean apt hook: the project's Dockerfile must clean
# apt's caches itself, and test.sh checks it does on this base.
as_root find "$rootfs/usr/share/doc" -mindepth 1 ! -name copyright ! -type d -delete
as_root rm -rf "$rootfs/usr/share/man/"* "$rootfs/usr/share/info/"* "$rootfs/usr/share/locale/"* \
  "$rootfs/var/cache/apt/"*.bin "$rootfs/var/cache/apt/archives/"*.deb "$rootfs/var/lib/apt/lists/"*

# node, npm and corepack where the official image keeps them.
as_root install -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
as_root mkdir -p "$rootfs/usr/local/lib/node_modules"
as_root cp -a "$npm_root/npm" "$rootfs/usr/local/lib/node_modules/npm"
[ -d "$npm_root/corepack" ] && as_root cp -a "$npm_root/corepack" "$rootfs/usr/local/lib/node_modules/corepack"
as_root ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
as_root ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
[ -d "$npm_root/corepack" ] && as_root ln -sf ../lib/node_modules/corepack/dist/corepack.js "$rootfs/usr/local/bin/corepack"

# The machine's CA bundle (includes the intercepting proxy's CA), for npm inside builds.
as_root mkdir -p "$rootfs/etc/ssl/certs"
as_root install -m 0644 "$ca_bundle" "$rootfs/etc/ssl/certs/ca-certificates.crt"

# User node, uid/gid 1000, as in the official image.
as_root chroot "$rootfs" groupadd --gid 1000 node
as_root chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node

node_version=$("$node_bin" --version)
echo "build-base: importing $TAG (node $node_version) ..."
as_root tar --numeric-owner -C "$rootfs" -c . | podman import --quiet \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  --change "ENV NODE_VERSION=${node_version#v}" \
  --change 'CMD ["node"]' \
  --message "policylint test stand-in for node:bookworm-slim (not for publishing)" \
  - "$TAG" >/dev/null
echo "build-base: built $TAG in $(( ($(now_ms) - start) / 1000 )) s"
