#!/usr/bin/env bash
# Measures the image's start time: from launching `bin/postern up` to its "listening on:" line, N runs,
# printing each run and the median (milliseconds). Usage: measure-start.sh IMAGE_DIR [N] [extra JAVA_OPTS]
# (its wg socket in a directory of its own: another gateway on the machine may hold /var/run/wireguard/postern.sock)
set -euo pipefail
image="$1" n="${2:-11}" opts="${3:-}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
times=()
# a first run writes the default configuration (fresh key); it is not counted
for i in $(seq 0 "$n"); do
  rm -f "$work/out"
  start=$(date +%s%N)
  POSTERN_DATA_DIR="$work" JAVA_OPTS="$opts" "$image/bin/postern" up --uapi-dir "$work" >"$work/out" 2>"$work/err" &
  pid=$!
  until grep -q '^listening on:' "$work/out" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/err" >&2; exit 1; }
    sleep 0.005
  done
  end=$(date +%s%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  [ "$i" -eq 0 ] || times+=($(( (end - start) / 1000000 )))
  # after the first run wrote the configuration: a port of its own (51820 may be taken on a shared machine)
  [ "$i" -eq 0 ] && sed -i "s/^ListenPort = .*/ListenPort = $(( 40000 + RANDOM % 20000 ))/" "$work/postern.conf"
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
echo "runs (ms): ${times[*]}"
echo "median (ms): ${sorted[$(( n / 2 ))]}"
