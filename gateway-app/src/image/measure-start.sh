#!/usr/bin/env bash
# Measures the image's start time: from launching `bin/postern up` to its "listening on:" line (the data
# plane is served), N runs, printing each run and the median (milliseconds); also the median time to its
# "admin:" line (admin and wg sockets served).
#
#   measure-start.sh IMAGE_DIR [N] ["JAVA_OPTS"] [IMAGE_DIR2 "JAVA_OPTS2" ...]
#
# With more than one variant (image and JVM options), the runs alternate between them (one run of each
# per round), so a machine whose load drifts hits every variant alike; each variant gets its own line.
# Each variant's wg socket is in a directory of its own (another gateway on the machine may hold
# /var/run/wireguard/postern.sock) and its own port (51820 may be taken on a shared machine).
set -euo pipefail
n="${2:-11}"
variants=("$1" "${3:-}")
shift $(( $# < 3 ? $# : 3 ))
while [ $# -ge 2 ]; do variants+=("$1" "$2"); shift 2; done
nv=$(( ${#variants[@]} / 2 ))
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# one run: prints "READY_MS ADMIN_MS"; RUN_DIR holds postern.conf
run() {
  local image="$1" opts="$2" dir="$3" start ready="" admin="" pid
  rm -f "$dir/out"
  start=$(date +%s%N)
  POSTERN_DATA_DIR="$dir" JAVA_OPTS="$opts" "$image/bin/postern" up --uapi-dir "$dir" >"$dir/out" 2>"$dir/err" &
  pid=$!
  for _ in $(seq 1 6000); do  # ≤ 30 s
    kill -0 "$pid" 2>/dev/null || { cat "$dir/err" >&2; exit 1; }
    if [ -z "$ready" ] && grep -q '^listening on:' "$dir/out" 2>/dev/null; then ready=$(date +%s%N); fi
    if [ -n "$ready" ] && grep -q '^admin:' "$dir/out" 2>/dev/null; then admin=$(date +%s%N); break; fi
    sleep 0.005
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
  [ -n "$admin" ] || { echo "measure-start: $image did not print 'listening on:' and 'admin:' within 30 s" >&2; cat "$dir/err" >&2; exit 1; }
  echo "$(( (ready - start) / 1000000 )) $(( (admin - start) / 1000000 ))"
}

for v in $(seq 0 $(( nv - 1 ))); do
  mkdir -p "$work/$v"
  # a first run per variant writes the default configuration (fresh key) on a port of its own; not counted
  port=$(( 40000 + RANDOM % 20000 ))
  POSTERN_DATA_DIR="$work/$v" "${variants[$((2 * v))]}/bin/postern" up --uapi-dir "$work/$v" --listen-port "$port" \
    >"$work/$v/out" 2>"$work/$v/err" &
  pid=$!
  until grep -q '^listening on:' "$work/$v/out" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/$v/err" >&2; exit 1; }
    sleep 0.01
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
  sed -i "s/^ListenPort = .*/ListenPort = $port/" "$work/$v/postern.conf"
  : >"$work/$v/times"
done
for _ in $(seq 1 "$n"); do
  for v in $(seq 0 $(( nv - 1 ))); do
    run "${variants[$((2 * v))]}" "${variants[$((2 * v + 1))]}" "$work/$v" >>"$work/$v/times"
  done
done
median() { sort -n | sed -n "$(( (n + 1) / 2 ))p"; }
for v in $(seq 0 $(( nv - 1 ))); do
  label="${variants[$((2 * v))]}${variants[$((2 * v + 1))]:+ ${variants[$((2 * v + 1))]}}"
  [ "$nv" -eq 1 ] || echo "== $label"
  echo "runs (ms): $(cut -d' ' -f1 "$work/$v/times" | tr '\n' ' ')"
  echo "median (ms): $(cut -d' ' -f1 "$work/$v/times" | median)  (to 'admin:': $(cut -d' ' -f2 "$work/$v/times" | median))"
done
