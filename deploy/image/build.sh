#!/usr/bin/env bash
# Builds the Postern container image with Debian's own tools: buildah, from scratch (no base image:
# registries of container images are not needed, or reachable, to build it).
#
#   deploy/image/build.sh [IMAGE_NAME]        (default localhost/postern:latest; run as root)
#
# The root file system holds only the jlink image (gateway-app/target/image, built by ./mvnw package)
# under /opt/postern, the few shared libraries `ldd` names for its java launcher and native
# libraries (glibc's, from this machine), /etc/passwd and /etc/group with the user postern
# (65532), and empty /tmp, /var/lib/postern and /etc/postern. No shell, no package manager:
# the entry point is the JVM itself (the image's bin/postern is a shell script; JVM options go in
# JDK_JAVA_OPTIONS, which the java launcher reads).
#
# Prints the image ID on its last line.
set -euo pipefail
root_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
name="${1:-localhost/postern:latest}"
image="$root_dir/gateway-app/target/image"
if [[ ! -x "$image/bin/java" ]]; then
  echo "build.sh: no jlink image at $image; build it first: ./mvnw -B package -pl gateway-app -am" >&2
  exit 1
fi
command -v buildah >/dev/null || { echo "build.sh: needs buildah (apt-get install buildah)" >&2; exit 1; }

rootfs="$(mktemp -d /tmp/postern-rootfs.XXXXXX)"
ctr=""
cleanup() {
  [[ -n "$ctr" ]] && buildah rm "$ctr" >/dev/null 2>&1 || true
  rm -rf "$rootfs"
}
trap cleanup EXIT

mkdir -p "$rootfs/opt" "$rootfs/etc/postern" "$rootfs/var/lib/postern" "$rootfs/tmp"
cp -a "$image" "$rootfs/opt/postern"
rm -f "$rootfs/opt/postern/bin/postern" # the sh launcher: no shell in this image
chmod 1777 "$rootfs/tmp"
chown 65532:65532 "$rootfs/var/lib/postern"

# Every shared library the launcher and the JVM's native libraries link to (and the loader),
# at the paths ldd resolves them to; the image's own libraries are already under /opt/postern.
mapfile -t libs < <(ldd "$image/bin/java" "$image"/lib/*.so "$image/lib/server/libjvm.so" 2>/dev/null \
  | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | grep -v "^$image" | sort -u)
for lib in "${libs[@]}"; do
  real="$(readlink -f "$lib")"
  mkdir -p "$rootfs$(dirname "$lib")" "$rootfs$(dirname "$real")"
  cp -a "$real" "$rootfs$real"
  [[ "$lib" != "$real" ]] && ln -sf "$real" "$rootfs$lib"
done
# (On merged-/usr Debian, /lib64/ld-linux-x86-64.so.2 and /lib/x86_64-linux-gnu/libc.so.6 resolve under
# /usr/lib/x86_64-linux-gnu: the files go there, and the names ldd printed become symlinks to them.)

printf 'root:x:0:0:root:/root:/nonexistent\npostern:x:65532:65532:postern:/var/lib/postern:/nonexistent\n' \
  > "$rootfs/etc/passwd"
printf 'root:x:0:\npostern:x:65532:\n' > "$rootfs/etc/group"

ctr="$(buildah from scratch)"
buildah copy --quiet "$ctr" "$rootfs/" / >/dev/null
buildah config \
  --entrypoint '["/opt/postern/bin/java", "-Dguice_bytecode_gen_option=DISABLED", "-m", "io.postern.gateway/io.postern.gateway.Main"]' \
  --cmd up \
  --user 65532:65532 \
  --workingdir /var/lib/postern \
  --env POSTERN_DATA_DIR=/var/lib/postern \
  --env POSTERN_PLUGINS_DIR=/opt/postern/plugins \
  --port 51820/udp --port 9586/tcp \
  --label org.opencontainers.image.title=postern \
  --label org.opencontainers.image.licenses=Apache-2.0 \
  "$ctr"
buildah commit --quiet --rm "$ctr" "$name"
ctr=""
echo "postern container image: $name ($(du -sm "$rootfs" | cut -f1) MB)" >&2
buildah images --noheading --format '{{.ID}}' "$name" | head -1
