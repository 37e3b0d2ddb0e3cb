#!/usr/bin/env bash
# Runs the JMH benchmarks jar with a JDK 25+ java; every argument goes to JMH.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/target/benchmarks.jar"
if [[ ! -f "$jar" ]]; then
  echo "missing $jar: build it with './mvnw -B -q -pl bench -am package -DskipTests'" >&2
  exit 1
fi
java_bin="$("$here/../.mvn/find-jdk25")/bin/java" # the same JDK finder as ./mvnw and ./postern
exec "$java_bin" --enable-native-access=ALL-UNNAMED -jar "$jar" "$@"
