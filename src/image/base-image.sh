#!/usr/bin/env bash
# The image's base, assembled here rather than pulled from a registry: a minimal Debian bookworm (mmdebstrap, from
# Debian's packages) with its OpenJDK 17 JRE, the non-root user the gateway runs as (uid and gid 10001, home /app)
# and /app/data owned by it. Written as a `docker save` tarball, the form Jib takes as a base with tar://.
#   src/image/base-image.sh [OUT_DIR]     (default target/image-base; kept if OUT_DIR/base-image.tar is there)
# Needs root (mmdebstrap's root mode; elsewhere its unshare mode needs user namespaces) and Debian's mmdebstrap,
# installed when missing.
set -euo pipefail

out="${1:-target/image-base}"
tarball="$out/base-image.tar"
if [ -f "$tarball" ]; then
    echo "Base image kept: $tarball (delete it to assemble it again)"
    exit 0
fi
if ! command -v mmdebstrap >/dev/null; then
    echo "Installing mmdebstrap (Debian package) to assemble the base image"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -q || true
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q mmdebstrap
fi

uid=10001
work="$out/work"
rm -rf "$work"
mkdir -p "$work"
# the packages' own dates, so that two assemblies from the same packages give the same layer
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(date -d 2025-01-01 +%s)}"
mmdebstrap --variant=minbase --include=openjdk-17-jre-headless \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --essential-hook='mkdir -p "$1/usr/share/man/man1"' \
    --customize-hook="chroot \"\$1\" groupadd --gid $uid gateway" \
    --customize-hook="chroot \"\$1\" useradd --uid $uid --gid $uid --home-dir /app --no-create-home --shell /usr/sbin/nologin gateway" \
    --customize-hook="mkdir -p \"\$1/app/data\" && chown $uid:$uid \"\$1/app/data\"" \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/* "$1"/var/log/*.log "$1"/var/cache/ldconfig/aux-cache' \
    bookworm "$work/layer.tar"

java_home="$(tar -tf "$work/layer.tar" | sed -n 's#^\./\(usr/lib/jvm/java-17-openjdk-[a-z0-9]*\)/bin/java$#/\1#p' | head -1)"
[ -n "$java_home" ] || { echo "No OpenJDK 17 in the assembled root file system" >&2; exit 1; }
arch="$(dpkg --print-architecture)"
layer_digest="$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"
cat > "$work/config.json" <<JSON
{"architecture":"$arch","os":"linux","created":"$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)",
 "config":{"Env":["PATH=$java_home/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=$java_home","LANG=C.UTF-8"],
  "User":"$uid:$uid","WorkingDir":"/app"},
 "rootfs":{"type":"layers","diff_ids":["sha256:$layer_digest"]},
 "history":[{"created":"$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)","created_by":"src/image/base-image.sh: mmdebstrap bookworm minbase + openjdk-17-jre-headless, user gateway ($uid)"}]}
JSON
config_digest="$(sha256sum "$work/config.json" | cut -d' ' -f1)"
mkdir -p "$work/image/$layer_digest"
mv "$work/layer.tar" "$work/image/$layer_digest/layer.tar"
mv "$work/config.json" "$work/image/$config_digest.json"
printf '[{"Config":"%s.json","RepoTags":["kafka-rest-gateway-base:bookworm-jre17"],"Layers":["%s/layer.tar"]}]\n' \
    "$config_digest" "$layer_digest" > "$work/image/manifest.json"
tar -C "$work/image" --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner \
    -cf "$tarball.part" manifest.json "$config_digest.json" "$layer_digest"
mv "$tarball.part" "$tarball"
rm -rf "$work"
echo "Base image: $tarball ($(du -h "$tarball" | cut -f1), Java at $java_home)"
