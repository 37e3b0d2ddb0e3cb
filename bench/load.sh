#!/usr/bin/env bash
# Runs one load generator of the benchmarks jar with a JDK 25+ java:
#   bench/load.sh ReconnectLoad [sessions restarts provider]
# The first argument is a class of io.postern.bench.load; the rest go to its main.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/target/benchmarks.jar"
if [[ ! -f "$jar" ]]; then
  echo "missing $jar: build it with './mvnw -B -q -pl bench -am package -DskipTests'" >&2
  exit 1
fi
java_bin="$("$here/../.mvn/find-jdk25")/bin/java" # the same JDK finder as ./mvnw and ./postern
if [[ $# -lt 1 ]]; then
  echo "usage: bench/load.sh LoadClass [args...] (ReconnectLoad, EchoThroughputLoad, SessionMemoryLoad; see bench/README.md)" >&2
  exit 2
fi
main="$1"
shift
exec "$java_bin" ${LOAD_JAVA_OPTS:--Xms1g -Xmx1g} --enable-native-access=ALL-UNNAMED -cp "$jar" "io.postern.bench.load.$main" "$@"
