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
java_bin=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  version="$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
  if [[ "${version%%.*}" =~ ^[0-9]+$ && "${version%%.*}" -ge 25 ]]; then
    java_bin="$JAVA_HOME/bin/java"
  fi
fi
main="$1"
shift
exec "$java_bin" ${LOAD_JAVA_OPTS:--Xms1g -Xmx1g} -cp "$jar" "io.postern.bench.load.$main" "$@"
