#!/usr/bin/env bash
# The image's AppCDS archive (README "Faster start-up"): the gateway of a first build of the image is started once,
# in a chroot of that image's own file system (its JVM, its jars at their paths and dates, which the archive is only
# valid for) and a network namespace of its own (ports of its own, nothing else reachable), with
# -XX:ArchiveClassesAtExit; it is sent requests and stopped, and writes the archive as it stops. The final image adds
# OUT_DIR/app/cds/gateway.jsa, which its entry point maps with -XX:SharedArchiveFile.
#   src/image/app-cds.sh IMAGE_TAR OUT_DIR CERTS_DIR     (the training's TLS files: server.p12 and its .password, ca.pem)
# Needs root (chroot, unshare, mknod), curl and ip; reads the OCI tarball that Jib writes (compact JSON).
set -euo pipefail

image="$1"
out="$2"
certs="$3"
archive=/app/cds/gateway.jsa
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT

blob() { tar -xOf "$image" "blobs/sha256/$1"; }
digests() { grep -o '"digest":"sha256:[0-9a-f]*"' | cut -d: -f3 | tr -d '"'; }
# the strings of a JSON array field of a compact JSON object, one a line
strings() { sed -n "s/.*\"$1\":\[\"\([^]]*\)\"\].*/\1/p" | sed 's/","/\n/g'; }

manifest="$(tar -xOf "$image" index.json | digests | head -1)"
config="$(blob "$manifest" | digests | head -1)"
for layer in $(blob "$manifest" | digests | tail -n +2); do
    blob "$layer" | tar -xz -C "$root" --numeric-owner --same-permissions --same-owner --warning=no-unknown-keyword
done
user="$(blob "$config" | sed -n 's/.*"User":"\([^"]*\)".*/\1/p')"
workdir="$(blob "$config" | sed -n 's/.*"WorkingDir":"\([^"]*\)".*/\1/p')"
mapfile -t environment < <(blob "$config" | strings Env)
# the entry point without the archive it is to map (that flag would name the base archive of the dump)
mapfile -t entrypoint < <(blob "$config" | strings Entrypoint | grep -v '^-XX:SharedArchiveFile=')
for i in "${!environment[@]}"; do
    case "${environment[$i]}" in
        JDK_JAVA_OPTIONS=*) environment[$i]="${environment[$i]} -XX:ArchiveClassesAtExit=$archive" ;;
    esac
done
# a development key for the training's requests (the production profile makes none) and the training's TLS files
environment+=(GATEWAY_AUTH_CREATE_DEV_KEY=true GATEWAY_TLS_KEYSTORE=certs/server.p12 GATEWAY_TLS_CA_CERTIFICATE=certs/ca.pem)
mkdir -p "$root$workdir/certs" "$root$(dirname "$archive")"
cp "$certs/server.p12" "$certs/server.p12.password" "$certs/ca.pem" "$root$workdir/certs/"
chmod a+r "$root$workdir/certs/"*
chown "$user" "$root$(dirname "$archive")"
# the devices a JVM opens (made here rather than bound from the host, so that nothing of the host is under $root)
for device in "null c 1 3" "zero c 1 5" "random c 1 8" "urandom c 1 9"; do
    set -- $device
    [ -e "$root/dev/$1" ] || mknod -m 666 "$root/dev/$1" "$2" "$3" "$4"
done

api=9443
management="$(sed -n 's/^gateway.management.port *= *//p' "$root$workdir/routes/application-prod.properties")"
export root user workdir api management
log="$root/training.log"
unshare --net --mount --pid --fork bash -s -- "${environment[@]}" -- "${entrypoint[@]}" > "$log" 2>&1 <<'TRAIN' || { tail -40 "$log" >&2; exit 1; }
set -euo pipefail
environment=(); while [ "$1" != "--" ]; do environment+=("$1"); shift; done; shift
ip link set lo up
# the JVM finds its libraries through /proc/self/exe: this namespace's own /proc, gone with it
mount -t proc proc "$root/proc"
chroot --userspec="$user" "$root" /usr/bin/env -i "${environment[@]}" HOME="$workdir" \
    /bin/sh -c 'cd "$0" && exec "$@"' "$workdir" "$@" &
gateway=$!
https() { curl -s -o /dev/null -w '%{http_code}' --max-time 10 --cacert "$root$workdir/certs/ca.pem" "$@" || true; }
for _ in $(seq 1 240); do
    [ "$(https "https://localhost:$management/ready")" = 200 ] && break
    kill -0 "$gateway" 2>/dev/null || { echo "the gateway ended before it was ready"; exit 1; }
    sleep 0.5
done
key="$(sed -n 's/^ *API key *: \([A-Za-z0-9_-]*\) .*/\1/p' "$root/training.log" | head -1)"
[ -n "$key" ] || { echo "no development key in the log"; exit 1; }
for i in $(seq 1 50); do
    https -H "Authorization: Bearer $key" -H 'Content-Type: text/plain' -d "training $i" \
        "https://localhost:$api/topics/training/records?key=k$((i % 7))" >/dev/null
    https -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -H 'X-Correlation-ID: c' \
        -d '[{"key":{"type":"text","data":"k"},"value":{"type":"json","data":{"n":1}}},{"value":{"type":"text","data":"v"}}]' \
        "https://localhost:$api/v2/topics/training/records" >/dev/null
done
https -H "Authorization: Bearer $key" "https://localhost:$api/topics/training/records" -d 'a=1' >/dev/null
https "https://localhost:$api/openapi.yaml" >/dev/null
https "https://localhost:$management/metrics" >/dev/null
kill -TERM "$gateway"
wait "$gateway" || true
TRAIN
[ -s "$root$archive" ] || { tail -40 "$log" >&2; echo "no archive written" >&2; exit 1; }
mkdir -p "$out$(dirname "$archive")"
cp "$root$archive" "$out$archive"
echo "AppCDS archive: $out$archive ($(du -h "$out$archive" | cut -f1))"
