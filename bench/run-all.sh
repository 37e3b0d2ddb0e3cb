#!/usr/bin/env bash
# Runs the whole benchmark suite of issue 8 and prints one table: JMH (crypto, hot paths, allocation
# with -prof gc) and the three load generators (reconnect, echo throughput and scaling, memory).
# About 6 minutes on 2 vCPUs: JMH ≈ 3 min (1 fork, 2 × 1 s warm-up, 3 × 1 s measurement each),
# reconnect ≈ 15 s, throughput ≈ 30 s, memory (100,000 sessions) ≈ 2 min.
# Build first: ./mvnw -B -q -pl bench -am package -DskipTests
# Environment: SUMMARY_ONLY=1 prints the table again from the last run's files; PROVIDER (default fastest) for the load generators; SESSIONS_MEMORY (default 100000).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/target/run-all"
mkdir -p "$out"
provider="${PROVIDER:-fastest}"
memory_sessions="${SESSIONS_MEMORY:-100000}"
jmh_args=(-f 1 -wi 2 -w 1s -i 3 -r 1s)

if [[ -z "${SUMMARY_ONLY:-}" ]]; then
echo "== machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "== JMH (about 3 minutes)"
"$here/run.sh" 'X25519Benchmark|ChaCha20Poly1305Benchmark|HandshakeResponderBenchmark|DataPathBenchmark|WireParseBenchmark|BaselineBenchmark' \
  "${jmh_args[@]}" -prof gc -rf json -rff "$out/jmh.json" > "$out/jmh.txt" 2>&1
echo "== reconnect (10,000 sessions, 1,000 restarts)"
"$here/load.sh" ReconnectLoad 10000 1000 "$provider" 2>&1 | tee "$out/reconnect.txt" | grep -v '^\s*$'
echo "== echo throughput and scaling"
"$here/load.sh" EchoThroughputLoad 3 "$provider" 2>&1 | tee "$out/throughput.txt" | grep -v '^\s*$'
echo "== memory ($memory_sessions sessions)"
LOAD_JAVA_OPTS="-Xms2g -Xmx2g" "$here/load.sh" SessionMemoryLoad "$memory_sessions" "$provider" 2>&1 \
  | tee "$out/memory.txt" | grep -v '^\s*$'
fi

python3 - "$out" <<'PY'
import json, sys, re
out = sys.argv[1]
rows = json.load(open(f"{out}/jmh.json"))
def key(r):
    return (r["benchmark"].split(".")[-2] + "." + r["benchmark"].split(".")[-1],
            r.get("params", {}).get("provider", "—"), r.get("params", {}).get("size", "—"))
score = {key(r): r["primaryMetric"]["score"] for r in rows}
def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return float("nan")
err = {key(r): num(r["primaryMetric"]["scoreError"]) for r in rows}
alloc = {key(r): r["secondaryMetrics"].get("gc.alloc.rate.norm", {}).get("score") for r in rows}
print("\n== JMH (ops/s; B/op from -prof gc)")
print("| benchmark | provider | size | ops/s | ± | B/op |")
print("|---|---|---|---:|---:|---:|")
for k in sorted(score):
    a = alloc[k]
    print(f"| {k[0]} | {k[1]} | {k[2]} | {score[k]:,.0f} | {err[k]:,.0f} | {'' if a is None else f'{a:,.0f}'} |")
print("\n== targets")
print("| target | measured | ratio | met |")
print("|---|---|---:|---|")
for p in ("bouncycastle", "jca", "fastest"):
    hs = score.get(("HandshakeResponderBenchmark.respond", p, "—"))
    x = score.get(("X25519Benchmark.sharedSecret", "bouncycastle" if p == "fastest" else p, "—"))
    if hs and x:
        r = hs / (x / 4)
        print(f"| handshakes: responder ≥ 0.8 × X25519/4 ({p}) | {hs:,.0f} handshakes/s vs X25519 {x:,.0f}/s | {r:.2f} | {'yes' if r >= 0.8 else 'no'} |")
for p in ("bouncycastle", "jca", "fastest"):
    e = score.get(("DataPathBenchmark.echo", p, "—"))
    s = score.get(("ChaCha20Poly1305Benchmark.sealOpen", "jca" if p == "fastest" else p, "1200"))
    a = alloc.get(("DataPathBenchmark.echo", p, "—"))
    if e and s:
        r = e / (s * 2 / 3)
        print(f"| data path vs crypto only ({p}): echo op (3 AEAD passes) ÷ sealOpen×2/3 | {e:,.0f} vs {s*2/3:,.0f} | {r:.2f} | (no target) |")
    if a is not None:
        print(f"| allocation on receive→decrypt→echo→encrypt→send ({p}) ~0 B/op | {a:,.0f} B/op (peer seal + gateway path) | — | {'yes' if a < 64 else 'no'} |")
def grab(name, pattern):
    m = re.search(pattern, open(f"{out}/{name}").read())
    return m.groups() if m else None
g = grab("throughput.txt", r"ratio gateway ÷ raw UDP: ([0-9.]+).*raw ([0-9.]+), gateway engine ([0-9.]+)")
if g:
    print(f"| data plane: gateway echo ≥ 0.8 × raw UDP echo (1200 B, packets/s) | see throughput table | {g[0]} | {'yes' if float(g[0]) >= 0.8 else 'no'} |")
    print(f"| scaling: 2 receive threads ÷ 1 (SO_REUSEPORT) | raw UDP {g[1]}, gateway engine {g[2]} | {g[2]} | (shown) |")
g = grab("reconnect.txt", r"\| reconnect: [^|]*\| ([0-9]+) \| ([0-9]+) \|")
b = grab("reconnect.txt", r"ratio reconnect ÷ UDP round trip: median ([0-9.]+), p99 ([0-9.]+)")
if g and b:
    print(f"| reconnect p99 < 5 ms with 10,000 live sessions | median {g[0]} µs, p99 {g[1]} µs | p99 ÷ UDP RTT p99 {b[1]} | {'yes' if int(g[1]) < 5000 else 'no'} |")
g = grab("memory.txt", r"slope N/2 → N: ([0-9,]+) B")
if g:
    v = int(g[0].replace(",", ""))
    print(f"| memory ≤ 1 KiB per idle confirmed session | {v:,} B | {v/1024:.2f} × 1 KiB | {'yes' if v <= 1024 else 'no'} |")
PY
