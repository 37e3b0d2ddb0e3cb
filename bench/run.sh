#!/usr/bin/env bash
# Runs the JMH benchmarks jar with a JDK 25+ java; every argument goes to JMH.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/target/benchmarks.jar"
if [[ ! -f "$jar" ]]; then
  echo "missing $jar: build it with 'mvn -B -q -pl bench -am package -DskipTests'" >&2
  exit 1
fi
java_bin=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  version="$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
  if [[ "${version%%.*}" =~ ^[0-9]+$ && "${version%%.*}" -ge 25 ]]; then
    java_bin="$JAVA_HOME/bin/java"
  fi
fi
exec "$java_bin" -jar "$jar" "$@"
