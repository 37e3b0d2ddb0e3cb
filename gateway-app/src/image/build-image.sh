#!/usr/bin/env bash
# Builds the Postern gateway image (run by Maven in gateway-app's package phase; see the pom).
#
#   build-image.sh JAVA_HOME TARGET_DIR APP_JAR ROOT_MODULES
#
# TARGET_DIR/image is a jlink runtime holding only the modules the gateway needs, plus:
#   bin/postern   the launcher (this directory's bin/postern)
#   plugins/      third-party plugin jars (empty; see examples/policy-plugin)
#   lib/postern.aot  the AOT cache of a training run (JDK 25, JEP 483/514/515; skipped with POSTERN_AOT=0)
# jlink's module path: TARGET_DIR/image-modules first (Guice and aopalliance with the descriptors
# moditect added), TARGET_DIR/image-upgraded (picocli at class-file version 52, see below), then the
# gateway-app jar and TARGET_DIR/lib (its runtime dependencies).
set -euo pipefail
java_home="$1" target="$2" app_jar="$3" modules="$4"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
image="$target/image"

rm -rf "$image"
# picocli is compiled for Java 5 (class-file version 49): the AOT cache cannot hold such "old" classes nor
# any class depending on one (every Postern command), so they were loaded, verified and linked at each
# start. ClassfileUpgrade.java rewrites them to version 52 with stack maps (same bytecode); the upgraded
# jar comes first on jlink's module path. If it fails the original is used (the image works, starts slower).
upgraded="$target/image-upgraded"
rm -rf "$upgraded" && mkdir -p "$upgraded"
for jar in "$target"/lib/picocli-*.jar; do
  [ -f "$jar" ] || continue
  "$java_home/bin/java" "$here/ClassfileUpgrade.java" "$jar" "$upgraded/$(basename "$jar")" || rm -f "$upgraded/$(basename "$jar")"
done
# --ignore-signing-information: Bouncy Castle's jar is signed; a jlink image cannot carry jar signatures.
# No --generate-cds-archive: its two archives add 29 MB (the 60 MB budget) for ~0.1 s of start; see BENCHMARKS.md.
"$java_home/bin/jlink" \
  --module-path "$target/image-modules:$upgraded:$target/$app_jar:$target/lib" \
  --add-modules "$modules" \
  --ignore-signing-information \
  --strip-debug --no-header-files --no-man-pages --compress zip-9 \
  --output "$image"

# The JDK ships libjvm.so with its full symbol table (29 MB); the JVM needs only the dynamic symbols.
# Stripping the rest saves ~5 MB and keeps the image under the 60 MB budget (jlink's
# --strip-native-debug-symbols finds no separate debug info to remove in Temurin's build).
if command -v strip >/dev/null; then
  strip --strip-unneeded "$image/lib/server/libjvm.so"
else
  echo "build-image: 'strip' (binutils) not found; libjvm.so keeps its symbol table (+5 MB)" >&2
fi

# jlink's own --launcher cannot pass JVM options or set the data directory: ours does.
install -m 0755 "$here/bin/postern" "$image/bin/postern"
mkdir -p "$image/plugins"
cp "$here/plugins/README.txt" "$image/plugins/README.txt"
# The AOT cache: one training run of the image itself (io.postern.gateway.AotTraining: `postern up` on
# 127.0.0.1 plus client nodes on loopback doing handshakes, pings and restarts with new keys; it ends by
# itself within 60 s, and `timeout` bounds the whole step including the cache assembly the JVM does at
# exit). The cache holds the classes that run loaded and linked and its method profiles, so the gateway
# starts and answers its first handshakes without redoing that work; bin/postern uses it when present.
# A failed training leaves no cache (the image works without one, only slower to warm up).
if [ "${POSTERN_AOT:-1}" != 0 ]; then
  aot="$image/lib/postern.aot" log="$target/aot-training.log"
  if timeout 300 env -u JAVA_TOOL_OPTIONS -u JAVA_OPTS -u JDK_JAVA_OPTIONS "$image/bin/java" \
        -XX:AOTCacheOutput="$aot" --enable-native-access=io.postern.handler.tun,io.postern.transport.udplinux,io.postern.transport.udp \
        -Dguice_bytecode_gen_option=DISABLED \
        -m io.postern.gateway/io.postern.gateway.AotTraining >"$log" 2>&1 && [ -s "$aot" ]; then
    echo "postern image: AOT cache $(du -m "$aot" | cut -f1) MB (training log: $log)"
  else
    rm -f "$aot"
    echo "build-image: the AOT training run failed; the image has no AOT cache. Last lines of $log:" >&2
    tail -n 20 "$log" >&2 || true
  fi
fi
echo "postern image: $image ($(du -sm "$image" | cut -f1) MB)"
