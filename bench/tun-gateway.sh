#!/usr/bin/env bash
# Same-topology comparison: Postern's TUN gateway (Handler = tun) against wireguard-go as the gateway,
# measured in the same run. Needs root, iproute2, nftables, wireguard-go, wireguard-tools, iperf3, jq,
# and the built gateway (./mvnw -B -q -pl gateway-app -am package -DskipTests), run on JDK 25 as ./postern runs it.
#
#   bench/tun-gateway.sh [SECONDS] [CRYPTO...]      e.g. bench/tun-gateway.sh 10 fastest bouncycastle
#
# Topology (namespaces, addresses in 198.18.0.0/15 only, all removed on exit):
#   client (wireguard-go, 198.19.0.2) -- NAT router -- gateway (UDP 198.18.4.1:51820, TUN 198.19.0.1,
#   ip_forward=1) -- host 198.18.6.2 (iperf3 server, ping target)
# For each gateway: RTT (ping, 200 × 10 ms), TCP throughput (iperf3), the highest UDP rate of 1,200-byte
# datagrams with ≤ 1 % loss (a ladder of rates, 50 Mbit/s apart from 100 to 400), and the gateway's CPU seconds per million packets
# (utime+stime from /proc/PID/stat of the gateway process) during a fixed 50 Mbit/s UDP run (about 5,200 packets/s).
set -euo pipefail
secs="${1:-10}"; shift || true
cryptos=("${@:-fastest}")
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jdk="$("$here/.mvn/find-jdk25")"
compgen -G "$here/gateway-app/target/postern-gateway-app-*.jar" >/dev/null && [ -d "$here/gateway-app/target/lib" ] \
  || { echo "gateway not built: ./mvnw -B -q -pl gateway-app -am package -DskipTests" >&2; exit 1; }
for t in ip nft wireguard-go wg iperf3 jq; do command -v $t >/dev/null || { echo "needs $t" >&2; exit 1; }; done

p="ptb$$"; p="${p:0:8}"
c="${p}c" r="${p}r" g="${p}g" h="${p}h"
work="$(mktemp -d)"
cleanup() {
  for ns in $c $r $g $h; do
    ip netns pids $ns 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del $ns 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

for ns in $c $r $g $h; do ip netns add $ns; nsx $ns ip link set lo up; done
veth() { # ns1 if1 cidr1 ns2 if2 cidr2
  ip link add "$2" type veth peer name "$5"
  ip link set "$2" netns "$1"; ip link set "$5" netns "$4"
  nsx "$1" ip addr add "$3" dev "$2"; nsx "$1" ip link set "$2" up
  nsx "$4" ip addr add "$6" dev "$5"; nsx "$4" ip link set "$5" up
}
veth $c ${p}ce 198.18.5.2/24 $r ${p}rl 198.18.5.1/24
veth $r ${p}rw 198.18.4.2/24 $g ${p}gw 198.18.4.1/24
veth $g ${p}gl 198.18.6.1/24 $h ${p}he 198.18.6.2/24
nsx $c ip route add default via 198.18.5.1
nsx $h ip route add default via 198.18.6.1
nsx $r sysctl -qw net.ipv4.ip_forward=1
nsx $r nft "add table ip nat; add chain ip nat post { type nat hook postrouting priority 100 ; }; add rule ip nat post oifname \"${p}rw\" masquerade"
nsx $g sysctl -qw net.ipv4.ip_forward=1
nsx $h iperf3 -s -B 198.18.6.2 -D

gw_key=$(wg genkey); gw_pub=$(echo "$gw_key" | wg pubkey)
cl_key=$(wg genkey); cl_pub=$(echo "$cl_key" | wg pubkey)
echo "$gw_key" > "$work/gw.key"; echo "$cl_key" > "$work/cl.key"; chmod 600 "$work"/*.key
tun="${p}t" cdev="${p}w"
export WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1

start_client() {
  nsx $c wireguard-go -f $cdev >"$work/client.log" 2>&1 &
  for _ in $(seq 100); do nsx $c ip link show $cdev >/dev/null 2>&1 && break; sleep 0.05; done
  nsx $c wg set $cdev private-key "$work/cl.key" listen-port 51999 \
    peer "$gw_pub" endpoint 198.18.4.1:51820 allowed-ips 198.19.0.0/24,198.18.6.0/24
  nsx $c ip addr add 198.19.0.2/24 dev $cdev; nsx $c ip link set $cdev up
  nsx $c ip route add 198.18.6.0/24 dev $cdev
}
stop_client() { nsx $c ip link del $cdev 2>/dev/null || true; ip netns pids $c | xargs -r kill 2>/dev/null || true; sleep 0.3; }

gw_pid=""
start_postern() { # crypto
  cat >"$work/gw.conf" <<CONF
[Interface]
PrivateKey = $gw_key
ListenPort = 51820
Name = $tun
MTU = 1420
Address = 198.19.0.1/24
Handler = tun
CryptoProvider = $1
[Peer]
PublicKey = $cl_pub
AllowedIPs = 198.19.0.2/32
CONF
  chmod 600 "$work/gw.conf"
  # a young generation large enough that the measured run needs no GC (the heap's growth is what it allocated)
  gateway_is_jvm=1
  # the JDK (not the jlink image, which has no jdk.jfr) on gateway-app's module path, as ./postern runs it,
  # so that JFR can count the data-path threads' allocations
  local jar
  jar=$(ls "$here"/gateway-app/target/postern-gateway-app-*.jar | grep -v -e sources -e javadoc | head -1)
  ip netns exec $g "$jdk/bin/java" -Dguice_bytecode_gen_option=DISABLED \
    --enable-native-access=io.postern.handler.tun,io.postern.transport.udplinux,io.postern.transport.udp \
    -Xlog:gc:file="$work/gc-current.log" --module-path "$jar:$here/gateway-app/target/lib" \
    -m io.postern.gateway/io.postern.gateway.Main up --config "$work/gw.conf" --data-dir "$work" >"$work/gateway-$1.log" 2>&1 &
  gw_pid=$!
  for _ in $(seq 600); do grep -q "node started" "$work/gateway-$1.log" && return; sleep 0.1; done
  echo "postern did not start:"; cat "$work/gateway-$1.log"; exit 1
}
start_wggo() {
  gateway_is_jvm=0
  # not through nsx: $! must be wireguard-go's own pid (ip netns exec execs it) for /proc/PID/stat
  ip netns exec $g wireguard-go -f $tun >"$work/wggo.log" 2>&1 &
  gw_pid=$!
  for _ in $(seq 100); do nsx $g ip link show $tun >/dev/null 2>&1 && break; sleep 0.05; done
  nsx $g wg set $tun private-key "$work/gw.key" listen-port 51820 peer "$cl_pub" allowed-ips 198.19.0.2/32
  nsx $g ip addr add 198.19.0.1/24 dev $tun; nsx $g ip link set $tun mtu 1420 up
}
stop_gateway() { kill "$gw_pid" 2>/dev/null || true; wait "$gw_pid" 2>/dev/null || true; nsx $g ip link del $tun 2>/dev/null || true; sleep 0.3; }
# Bytes allocated by the data-path threads (UDP receive: decrypt + write to the TUN; TUN readers: encrypt +
# send) between alloc_start and alloc_stop, from JFR's per-thread allocation counters (exact, no GC needed).
alloc_start() { [ -n "$jdk" ] && [ "$gateway_is_jvm" = 1 ] && "$jdk/bin/jcmd" "$gw_pid" JFR.start name=alloc settings=none \
  +jdk.ThreadAllocationStatistics#enabled=true +jdk.ObjectAllocationSample#enabled=true \
  +jdk.ObjectAllocationSample#throttle=1000/s >/dev/null 2>&1 || true; }
alloc_stop() { # label direction packets
  [ -n "$jdk" ] && [ "$gateway_is_jvm" = 1 ] || return 0
  "$jdk/bin/jcmd" "$gw_pid" JFR.stop name=alloc filename="$work/alloc.jfr" >/dev/null 2>&1 || return 0
  local per_thread bytes
  per_thread=$("$jdk/bin/jfr" print --json --events jdk.ThreadAllocationStatistics "$work/alloc.jfr" | jq -c '[.recording.events[]
    | {t: .values.thread.javaName, a: .values.allocated} | select(.t | test("^postern-(udp-rx|tun-)"))]
    | group_by(.t) | map({(.[0].t): ((map(.a) | max) - (map(.a) | min))}) | add // {}')
  bytes=$(echo "$per_thread" | jq '[.[]] | add // 0')
  awk "BEGIN{printf \"  %s %s: data-path threads allocated %d bytes over %d packets: %.3f B per packet\\n\", \"$1\", \"$2\", $bytes, $3, ($3 > 0 ? $bytes / $3 : -1)}"
  echo "    per thread: $per_thread"
  # where it comes from: JFR's allocation samples on those threads, by class and the first frame outside java.*
  "$jdk/bin/jfr" print --json --events jdk.ObjectAllocationSample "$work/alloc.jfr" | jq -r '[.recording.events[].values
    | select(.eventThread.javaName | test("^postern-(udp-rx|tun-)"))
    | {k: (.objectClass.name + " from " + ([.stackTrace.frames[] | .method.type.name + "." + .method.name
        | select(test("^(java|jdk|sun)[./]") | not)] | first // "?")), w: .weight}]
    | group_by(.k) | map({k: .[0].k, w: (map(.w) | add)}) | sort_by(-.w) | .[:6][] | "    sampled \(.w) B: \(.k)"' 
}
client_iperf() { # iperf3 from the client; retried while the server still finishes the previous test
  local i
  for i in 1 2 3 4 5; do
    if nsx $c iperf3 "$@"; then return 0; fi
    sleep 1
  done
  return 1
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$gw_pid/stat"; }

measure() { # label
  local label=$1
  for _ in $(seq 30); do nsx $c ping -c1 -W1 198.18.6.2 >/dev/null 2>&1 && break; done
  client_iperf -c 198.18.6.2 -t 3 >/dev/null            # warm-up (JIT) and path check
  client_iperf -c 198.18.6.2 -u -l 1200 -b 50M -t 3 >/dev/null
  local rtt tcp best=0 best_rate=none rate lost pps
  rtt=$(nsx $c ping -q -c 200 -i 0.01 198.18.6.2 | awk -F/ '/^rtt/ {print $5}')
  tcp=$(client_iperf -c 198.18.6.2 -t "$secs" -J | jq '.end.sum_received.bits_per_second / 1e6')
  for rate in 10 20 50 100 150 200 250 300 350 400 600 800 1000 1500 2000; do
    out=$(client_iperf -c 198.18.6.2 -u -l 1200 -b ${rate}M -t "$secs" -J || true)
    # a run that failed (e.g. the control connection lost in the flood) counts as more than 1 % loss
    lost=$(echo "$out" | jq 'if .error then 100 else .end.sum.lost_percent // 100 end')
    pps=$(echo "$out" | jq '((.end.sum.packets // 0) - (.end.sum.lost_packets // 0)) / (.end.sum.seconds // 1)')
    echo "  $label ${rate} Mbit/s: loss $lost %, $pps pps received$(echo "$out" | jq -r 'if .error then ", iperf3: " + .error else "" end')" >&2
    if awk "BEGIN{exit !($lost <= 1.0)}"; then best=$pps; best_rate=$rate; else break; fi
  done
  local t0 t1 out packets hz
  hz=$(getconf CLK_TCK)
  t0=$(cpu_ticks)
  out=$(client_iperf -c 198.18.6.2 -u -l 1200 -b 50M -t "$secs" -J)
  t1=$(cpu_ticks)
  packets=$(echo "$out" | jq '(.end.sum.packets // 0) - (.end.sum.lost_packets // 0)')
  alloc_start
  out=$(client_iperf -c 198.18.6.2 -u -l 1200 -b 50M -t "$secs" -J)
  alloc_stop "$label" "peer -> tun" "$(echo "$out" | jq '(.end.sum.packets // 0) - (.end.sum.lost_packets // 0)')" >>"$work/alloc"
  alloc_start
  out=$(client_iperf -c 198.18.6.2 -u -l 1200 -b 50M -t "$secs" -R -J)
  alloc_stop "$label" "tun -> peer" "$(echo "$out" | jq '(.end.sum.packets // 0) - (.end.sum.lost_packets // 0)')" >>"$work/alloc"
  local cpu_per_m
  cpu_per_m=$(awk "BEGIN{printf \"%.2f\", ($packets > 0 ? ($t1 - $t0) / $hz / ($packets / 1e6) : -1)}")
  printf '%-24s %10s %12.1f %14.0f %10s %14s\n' "$label" "$rtt" "$tcp" "$best" "$best_rate" "$cpu_per_m" | tee -a "$work/results"
}

echo "load: $(uptime)"
printf '%-24s %10s %12s %14s %10s %14s\n' gateway "rtt ms" "tcp Mbit/s" "udp pps<=1%" "at Mbit/s" "cpu s/Mpkt@50M"
start_client
if [ -z "${SKIP_WIREGUARD_GO:-}" ]; then start_wggo; measure "wireguard-go"; stop_gateway; fi
for crypto in "${cryptos[@]}"; do
  start_postern "$crypto"; measure "postern tun ($crypto)"
  gcs=$(grep -c "Pause Young" "$work/gc-current.log" || true)
  stop_gateway
  rm -f "$work/gc-current.log"
  echo "  postern ($crypto): $gcs young GC pauses in the whole run (-Xlog:gc)"
done
echo "load: $(uptime)"
cat "$work/alloc" 2>/dev/null || true
echo "ratios (postern / wireguard-go):"
python3 - "$work/results" <<'PY'
import sys
rows=[l.rstrip("\n") for l in open(sys.argv[1])]
def nums(l): return [float(x) if x.replace('.','',1).isdigit() else None for x in l.split()[-5:]]
base=nums(rows[0])
for l in rows[1:]:
    v=nums(l); label=l[:24].strip()
    r=lambda i: (v[i]/base[i]) if v[i] and base[i] else float('nan')
    print(f"  {label:24s} rtt {r(0):.2f}×  tcp {r(1):.2f}×  udp pps {r(2):.2f}×  cpu/pkt {r(4):.2f}×")
PY
