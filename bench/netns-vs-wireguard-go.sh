#!/usr/bin/env bash
# Postern's gateway image against a wireguard-go gateway (Debian package), in network namespaces, in one run.
#
#   bench/netns-vs-wireguard-go.sh [ROUNDS] [HUB_SECONDS]        (root; ROUNDS ≥ 10 by default)
#
#   IMAGE=gateway-app/target/image   the Postern image to test (built by ./mvnw -B package)
#   POSTERN_TRANSPORT=udp            the Transport key of the Postern gateway's configuration; udp-portable:
#                                    Transport = udp with [Plugin.udp] Batched = false (not udp-linux)
#   POSTERN_CRYPTO=                  the CryptoProvider key of the Postern gateway's configuration (default:
#                                    the gateway's default, fastest); e.g. jca for the JDK's ChaCha20-Poly1305
#   POSTERN_JAVA_OPTS=               extra JVM options for the Postern gateway (JAVA_OPTS of bin/postern)
#   SKIP_RECONNECT=1 / SKIP_HUB=1    run one scenario only
#   HUB_PROBE=CMD                    during each measured hub rung of the Postern gateway, run
#                                    `CMD GATEWAY_PID SECONDS LABEL` beside it (profilers: strace -c, perf,
#                                    per-thread CPU); its output goes to stderr
#   CAPTURE=1                        also capture the gateway's veth (tshark) during each reconnect and
#                                    print the gateway-side steps: initiation in → response out, and
#                                    first data in → its reply out (where the reconnect's time goes)
#
# Network (all in namespaces this script creates and removes, addresses in 198.18.0.0/15 only):
# the gateway namespace (198.18.0.1 on its veth, tunnel address 198.19.0.1/24), a NAT router
# (198.18.0.2 WAN, masquerading; LAN bridge 198.18.1.1/24) and two LAN hosts 198.18.1.2 and .3 behind
# it, each running an unmodified wireguard-go peer (listen port 40000) on a TUN device.
#
# 1. Reconnect after restart, ROUNDS rounds per gateway, alternating Postern / wireguard-go so the
#    machine's load hits both alike. A round: start the gateway fresh (and wait until it is ready),
#    peer A (key A, 198.19.0.2) connects and pings the gateway, A is killed and peer B starts on the
#    same host and port with a new key (198.19.0.3): the NAT maps it to the same public IP:port A
#    had. Measured: the RTT of B's first ping to the gateway (ping's time=, which includes the
#    handshake wireguard-go does before sending the queued echo request), and the CPU time the gateway
#    process used meanwhile (its threads, /proc/PID/task/*/schedstat, per thread: one that ends in
#    between, such as Postern's finished warm-up, is not counted; a figure the machine's load does
#    not inflate the way it inflates wall time). Printed: each round, the medians and the ratios
#    Postern ÷ wireguard-go.
# 2. Hub: both peers connected to the gateway, iperf3 from host 0 to host 1 through it: UDP with
#    1,200-byte datagrams at the highest offered rate of a short ladder with ≤ 1 % loss, and TCP.
#    After 3 s of unmeasured traffic, measured: datagrams/s forwarded and the gateway process's CPU
#    seconds (utime + stime from /proc/PID/stat) per million datagrams the peers sent it (/proc/net/dev).
set -euo pipefail
rounds="${1:-11}" hub_secs="${2:-4}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
image="${IMAGE:-$root/gateway-app/target/image}"
transport="${POSTERN_TRANSPORT:-udp}" udp_section="" metrics_line=""
if [ "$transport" = udp-portable ]; then
  transport=udp udp_section=$'\n[Plugin.udp]\nBatched = false\n'
fi
[ "$(id -u)" -eq 0 ] || { echo "netns-vs-wireguard-go: needs root (network namespaces, TUN devices)" >&2; exit 2; }
[ -x "$image/bin/postern" ] || { echo "netns-vs-wireguard-go: no image at $image (run ./mvnw -B package)" >&2; exit 2; }
for tool in wireguard-go wg ip nft iperf3 ping jq; do
  command -v "$tool" >/dev/null || { echo "netns-vs-wireguard-go: '$tool' not found" >&2; exit 2; }
done

p="pb$$"                       # name prefix of namespaces and devices (device names ≤ 15 chars)
gw="${p}gw" rt="${p}r" h0="${p}h0" h1="${p}h1"
work="$(mktemp -d)"; mkdir -p "$work/uapi"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  for ns in "$gw" "$rt" "$h0" "$h1"; do ip netns del "$ns" 2>/dev/null || true; done
  rm -f /var/run/wireguard/"$p"*.sock
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

x() { ip netns exec "$@"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# --- topology
for ns in "$gw" "$rt" "$h0" "$h1"; do ip netns add "$ns"; x "$ns" ip link set lo up; done
ip link add "${p}g" netns "$gw" type veth peer name "${p}w" netns "$rt"
x "$gw" ip addr add 198.18.0.1/24 dev "${p}g"; x "$gw" ip link set "${p}g" up
x "$rt" ip addr add 198.18.0.2/24 dev "${p}w"; x "$rt" ip link set "${p}w" up
x "$rt" ip link add "${p}br" type bridge; x "$rt" ip link set "${p}br" up
x "$rt" ip addr add 198.18.1.1/24 dev "${p}br"
i=0
for h in "$h0" "$h1"; do
  ip link add "${p}l$i" netns "$rt" type veth peer name "${p}e$i" netns "$h"
  x "$rt" ip link set "${p}l$i" master "${p}br"; x "$rt" ip link set "${p}l$i" up
  x "$h" ip addr add "198.18.1.$((i + 2))/24" dev "${p}e$i"; x "$h" ip link set "${p}e$i" up
  x "$h" ip route add default via 198.18.1.1
  i=$((i + 1))
done
x "$rt" sysctl -qw net.ipv4.ip_forward=1
x "$rt" nft "add table ip pbnat; add chain ip pbnat post { type nat hook postrouting priority 100 ; }; add rule ip pbnat post oifname \"${p}w\" masquerade"
x "$gw" sysctl -qw net.ipv4.ip_forward=1   # the wireguard-go gateway forwards between peers through the kernel

key() { wg genkey; }
pub() { echo "$1" | wg pubkey; }
keyfile() { local f="$work/k$RANDOM$RANDOM"; (umask 077; echo "$1" >"$f"); echo "$f"; }

# --- wireguard-go instances
wggo_pid=""
wggo_up() { # ns dev privkey cidr port -> sets wggo_pid
  local ns="$1" dev="$2" priv="$3" cidr="$4" port="$5"
  ip netns exec "$ns" env WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1 LOG_LEVEL=error wireguard-go -f "$dev" >/dev/null 2>&1 &
  wggo_pid=$!; pids+=("$wggo_pid")
  local n=0
  until x "$ns" ip link show "$dev" >/dev/null 2>&1 && [ -S "/var/run/wireguard/$dev.sock" ]; do
    n=$((n + 1)); [ "$n" -lt 1000 ] || { echo "wireguard-go did not create $dev" >&2; exit 1; }
    sleep 0.01
  done
  x "$ns" wg set "$dev" private-key "$(keyfile "$priv")" listen-port "$port"
  x "$ns" ip addr add "$cidr" dev "$dev"
  x "$ns" ip link set "$dev" up
}
stop_pid() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
kill_pid() { kill -9 "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

peer_up() { # host dev privkey cidr gwpub -> wggo_pid
  wggo_up "$1" "$2" "$3" "$4" 40000
  x "$1" wg set "$2" peer "$5" endpoint 198.18.0.1:51820 allowed-ips 198.19.0.0/24
}
peer_down() { # host dev pid
  kill_pid "$3"
  x "$1" ip link del "$2" 2>/dev/null || true
}

# --- gateways: gw_start KIND GWPRIV PUBA PUBB -> gw_pid, gw_ready_ms
gw_pid="" gw_ready_ms=0
gw_start() {
  local kind="$1" priv="$2" a="$3" b="$4" t0
  t0=$(now_ms)
  if [ "$kind" = postern ]; then
    local conf="$work/postern.conf"
    (umask 077; cat >"$conf" <<EOF
[Interface]
PrivateKey = $priv
ListenPort = 51820
ListenAddress = 198.18.0.1
Address = 198.19.0.1/24
Handler = ip
Admission = allowlist
Transport = $transport
${POSTERN_CRYPTO:+CryptoProvider = $POSTERN_CRYPTO}
$metrics_line

[Peer]
PublicKey = $a
AllowedIPs = 198.19.0.2/32

[Peer]
PublicKey = $b
AllowedIPs = 198.19.0.3/32
$udp_section
EOF
    )
    rm -f "$work/gw.out"
    ip netns exec "$gw" env POSTERN_DATA_DIR="$work" JAVA_OPTS="${POSTERN_JAVA_OPTS:-}" "$image/bin/postern" up --config "$conf" --uapi-dir "$work/uapi" \
      >"$work/gw.out" 2>"$work/gw.err" &
    gw_pid=$!; pids+=("$gw_pid")
    local n=0
    until grep -q '^listening on:' "$work/gw.out" 2>/dev/null; do
      kill -0 "$gw_pid" 2>/dev/null || { cat "$work/gw.err" >&2; exit 1; }
      n=$((n + 1)); [ "$n" -lt 6000 ] || { echo "postern did not start" >&2; exit 1; }
      sleep 0.005
    done
  else
    wggo_up "$gw" "${p}G" "$priv" 198.19.0.1/24 51820
    gw_pid="$wggo_pid"
    x "$gw" wg set "${p}G" peer "$a" allowed-ips 198.19.0.2/32 peer "$b" allowed-ips 198.19.0.3/32
  fi
  gw_ready_ms=$(( $(now_ms) - t0 ))
}
gw_stop() {
  stop_pid "$gw_pid"
  x "$gw" ip link del "${p}G" 2>/dev/null || true
}

first_ping_ms() { # host target -> RTT of one ping in ms, or "lost"
  local out
  out="$(x "$1" ping -n -c 1 -W 5 "$2" 2>/dev/null || true)"
  echo "$out" | sed -n 's/.*time=\([0-9.]*\) ms.*/\1/p' | head -1 | grep . || echo lost
}

# tshark on the gateway's veth while peer B reconnects; capture_steps prints, in ms, the gateway's
# time from B's initiation in to its response out, from B's first data packet in to the gateway's
# first data packet out after it, and the peer's time from response to first data (frame times).
cap_pid=""
capture_start() {
  rm -f "$work/cap.pcap" "$work/cap.err"
  ip netns exec "$gw" tshark -q -i "${p}g" -f "udp port 51820" -w "$work/cap.pcap" 2>"$work/cap.err" &
  cap_pid=$!; pids+=("$cap_pid")
  local n=0
  until grep -q "Capturing on" "$work/cap.err" 2>/dev/null; do
    n=$((n + 1)); [ "$n" -lt 3000 ] || { echo "tshark did not start" >&2; exit 1; }
    sleep 0.01
  done
}
capture_steps() {
  sleep 0.2; stop_pid "$cap_pid"
  tshark -r "$work/cap.pcap" -d udp.port==51820,wg -T fields -e frame.time_epoch -e wg.type -e udp.dstport 2>/dev/null |
    awk '$2 == 1 && !i {i = $1} $2 == 2 && i && !r {r = $1} $2 == 4 && $3 == 51820 && r && !d {d = $1; next}
         $2 == 4 && $3 != 51820 && d && !o {o = $1}
         END {printf "%.2f | %.2f | %.2f", (r-i)*1000, (d-r)*1000, (o-d)*1000}'
}

# CPU ns of each of the process's threads now, one "tid ns" line each
cpu_tids() { for f in /proc/"$1"/task/*/schedstat; do t="${f%/schedstat}"; echo "${t##*/} $(cut -d' ' -f1 "$f" 2>/dev/null || echo 0)"; done 2>/dev/null; }
# CPU ms the threads alive at the end used since the snapshot $2 (a thread started meanwhile: all of
# its time; a thread that ended meanwhile, such as a finished warm-up, is missing from both ends)
cpu_since_ms() { cpu_tids "$1" | awk -v snap="$2" 'BEGIN {n = split(snap, a, "\n"); for (i = 1; i <= n; i++) {split(a[i], f, " "); t0[f[1]] = f[2]}}
  {s += $2 - (($1 in t0) ? t0[$1] : 0)} END {printf "%.1f", s / 1e6}'; }

median() { sort -g | awk '{a[NR]=$1} END {if (NR == 0) print "n/a"; else if (NR % 2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }

echo "# netns-vs-wireguard-go: $(date -u '+%F %T') UTC, rounds $rounds, transport ${POSTERN_TRANSPORT:-udp}, crypto ${POSTERN_CRYPTO:-default}, JAVA_OPTS '${POSTERN_JAVA_OPTS:-}'"
echo "# uptime: $(uptime)"
echo "# image: $image ($(du -sm "$image" | cut -f1) MB), wireguard-go $(wireguard-go --version 2>/dev/null | head -1)"

# ---------------------------------------------------------------- 1. reconnect after restart
if [ -z "${SKIP_RECONNECT:-}" ]; then
  : >"$work/r-postern"; : >"$work/r-wggo"; : >"$work/cpu-postern"; : >"$work/cpu-wggo"; : >"$work/ready-postern"; : >"$work/first-postern"; : >"$work/first-wggo"
  echo
  if [ -n "${CAPTURE:-}" ]; then
    echo "| round | gateway | gateway ready ms | A first ping ms | B (restarted, new key) first ping ms | gateway CPU ms meanwhile | gateway: initiation in → response out ms | peer: response in → first data out ms | gateway: first data in → reply out ms |"
    echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|"
  else
    echo "| round | gateway | gateway ready ms | A first ping ms | B (restarted, new key) first ping ms | gateway CPU ms meanwhile |"
    echo "|---:|---|---:|---:|---:|---:|"
  fi
  for r in $(seq 1 "$rounds"); do
    for kind in postern wggo; do
      [ $((r % 2)) -eq 0 ] && kind=$([ "$kind" = postern ] && echo wggo || echo postern)  # A/B, then B/A
      gpriv=$(key); ka=$(key); kb=$(key)
      gw_start "$kind" "$gpriv" "$(pub "$ka")" "$(pub "$kb")"
      gpub=$(pub "$gpriv")
      peer_up "$h0" "${p}a" "$ka" 198.19.0.2/24 "$gpub"; apid=$wggo_pid
      ta=$(first_ping_ms "$h0" 198.19.0.1)
      peer_down "$h0" "${p}a" "$apid"
      [ -n "${CAPTURE:-}" ] && capture_start
      c0=$(cpu_tids "$gw_pid")
      peer_up "$h0" "${p}b" "$kb" 198.19.0.3/24 "$gpub"; bpid=$wggo_pid
      tb=$(first_ping_ms "$h0" 198.19.0.1)
      cb=$(cpu_since_ms "$gw_pid" "$c0")
      steps=""
      [ -n "${CAPTURE:-}" ] && steps=$(capture_steps)
      peer_down "$h0" "${p}b" "$bpid"
      gw_stop
      echo "| $r | $kind | $gw_ready_ms | $ta | $tb | $cb |${steps:+ $steps |}"
      echo "$cb" >>"$work/cpu-$kind"
      echo "$tb" | grep -v lost >>"$work/r-$kind" || true
      echo "$ta" | grep -v lost >>"$work/first-$kind" || true
      [ "$kind" = postern ] && echo "$gw_ready_ms" >>"$work/ready-postern"
    done
  done
  mp=$(median <"$work/r-postern"); mw=$(median <"$work/r-wggo")
  echo
  echo "| measure | Postern median | wireguard-go median | Postern ÷ wireguard-go |"
  echo "|---|---:|---:|---:|"
  echo "| restarted peer's first ping (reconnect), ms | $mp | $mw | $(awk -v a="$mp" -v b="$mw" 'BEGIN{printf "%.2f", a/b}') |"
  cp=$(median <"$work/cpu-postern"); cw=$(median <"$work/cpu-wggo")
  echo "| gateway CPU time during that reconnect, ms | $cp | $cw | $(awk -v a="$cp" -v b="$cw" 'BEGIN{printf (b > 0 ? "%.2f" : "n/a"), (b > 0 ? a/b : 0)}') |"
  fp=$(median <"$work/first-postern"); fw=$(median <"$work/first-wggo")
  echo "| first peer's first ping on the fresh gateway, ms | $fp | $fw | $(awk -v a="$fp" -v b="$fw" 'BEGIN{printf "%.2f", a/b}') |"
  echo "| gateway start → ready (Postern: 'listening on:'), ms | $(median <"$work/ready-postern") | — | — |"
  echo "(reconnects measured: Postern $(wc -l <"$work/r-postern"), wireguard-go $(wc -l <"$work/r-wggo") of $rounds each; uptime: $(uptime | sed 's/.*load/load/'))"
fi

# ---------------------------------------------------------------- 2. hub
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# The datagrams the gateway forwards, counted where each is a single datagram: what the two peers send
# (tx packets of their veths; each peer talks only to the gateway, and this wireguard-go sends one
# datagram per packet). Not what arrives: with UDP GSO one forwarded "packet" can carry up to 64
# datagrams all the way to the peer's socket. (/proc/net/dev: "name: rx_bytes rx_packets … tx_bytes tx_packets …")
dev_tx_packets() { x "$1" awk -v d="$2" '{sub(/^ */, ""); split($0, f, /[: ]+/); if (f[1] == d) print f[11]}' /proc/net/dev; }
gw_packets() { echo $(( $(dev_tx_packets "$h0" "${p}e0") + $(dev_tx_packets "$h1" "${p}e1") )); }
hz=$(getconf CLK_TCK)

hub_measure() { # kind label iperf-args... -> one table row
  local kind="$1" label="$2"; shift 2
  local c0 k0 c1 k1 out
  local probe=""
  if [ -n "${HUB_PROBE:-}" ] && [ "$kind" = postern ]; then
    $HUB_PROBE "$gw_pid" "$hub_secs" "$label" >&2 &
    probe=$!
  fi
  c0=$(cpu_ticks "$gw_pid"); k0=$(gw_packets)
  out="$(x "$h0" iperf3 -c 198.19.0.3 -t "$hub_secs" -J "$@" 2>&1 || true)"
  [ -z "$probe" ] || wait "$probe" || true
  echo "$out" >"$work/iperf-$kind-$RANDOM.json"
  c1=$(cpu_ticks "$gw_pid"); k1=$(gw_packets)
  local cpu pk loss bps
  cpu=$(awk -v a="$c0" -v b="$c1" -v hz="$hz" 'BEGIN{printf "%.2f", (b-a)/hz}')
  pk=$((k1 - k0))
  loss=$(echo "$out" | jq -r 'if .error then "error" else (.end.sum.lost_percent // "—") end' 2>/dev/null || echo "?")
  [ "$loss" = error ] && echo "iperf3 ($kind $label): $(echo "$out" | jq -r .error)" >&2
  bps=$(echo "$out" | jq -r '(.end.sum_received.bits_per_second // .end.sum.bits_per_second // 0)' 2>/dev/null || echo 0)
  echo "$kind|$label|$(awk -v p="$pk" -v s="$hub_secs" 'BEGIN{printf "%.0f", p/s}')|$(awk -v b="$bps" 'BEGIN{printf "%.1f", b/1e6}')|$loss|$cpu|$(awk -v c="$cpu" -v p="$pk" 'BEGIN{ if (p > 0) printf "%.2f", c/(p/1e6); else print "n/a"}')"
}

if [ -z "${SKIP_HUB:-}" ]; then
  rates="${HUB_RATES:-25M 50M 100M 200M 400M 800M}"
  metrics_line="MetricsListen = 127.0.0.1:9586" # the hub only: the reconnect rounds time a bare start
  : >"$work/hub"
  for kind in postern wggo; do
    gpriv=$(key); ka=$(key); kb=$(key)
    gw_start "$kind" "$gpriv" "$(pub "$ka")" "$(pub "$kb")"
    gpub=$(pub "$gpriv")
    peer_up "$h0" "${p}a" "$ka" 198.19.0.2/24 "$gpub"
    peer_up "$h1" "${p}c" "$kb" 198.19.0.3/24 "$gpub"
    first_ping_ms "$h1" 198.19.0.1 >/dev/null
    first_ping_ms "$h0" 198.19.0.3 >/dev/null
    ip netns exec "$h1" iperf3 -s -B 198.19.0.3 >/dev/null 2>&1 &
    pids+=("$!"); srv=$!
    sleep 0.3
    # 3 s of traffic first, not measured: the gateways start measured from warm (a JVM's JIT, caches)
    x "$h0" iperf3 -c 198.19.0.3 -t 3 -u -l 1200 -b 10M >/dev/null 2>&1 || true
    for rate in $rates; do # every rung is a row; the ladder stops after the first one above 1 % loss
      row=$(hub_measure "$kind" "UDP 1200 B offered $rate" -u -l 1200 -b "$rate")
      echo "$row" >>"$work/hub"
      loss=$(echo "$row" | cut -d'|' -f5)
      awk -v l="$loss" 'BEGIN{exit !(l <= 1.0)}' || break
    done
    hub_measure "$kind" "TCP" >>"$work/hub"
    if [ "$kind" = postern ]; then # the transport's own counters after the ladder (GSO/GRO engaged?)
      x "$gw" curl -s --max-time 5 http://127.0.0.1:9586/metrics 2>/dev/null | grep '^postern_transport_events_total' \
        | sed 's/^/# postern after the hub: /' >"$work/hub-counters" || true
    fi
    kill_pid "$srv"
    gw_stop
    for d in a c; do x "$h0" ip link del "${p}$d" 2>/dev/null || true; x "$h1" ip link del "${p}$d" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  done
  echo
  echo "Hub: iperf3 host 0 → host 1 through the gateway, $hub_secs s each (uptime: $(uptime | sed 's/.*load/load/'))"
  echo "| gateway | traffic | datagrams/s into the gateway (peers' tx) | Mbit/s received | loss % | gateway CPU s | CPU s per million datagrams forwarded |"
  echo "|---|---|---:|---:|---:|---:|---:|"
  awk -F'|' '{printf "|"; for (i = 1; i <= NF; i++) printf " %s |", $i; print ""}' "$work/hub"
  ok() { awk -F'|' '$5 == "—" || $5 + 0 <= 1.0' "$work/hub"; } # rows within 1 % loss (TCP has none)
  ratio() { # label -> "CPU per packet P÷W, packets/s P÷W" at that label, when both gateways have it within 1 % loss
    local rp rw
    rp=$(ok | awk -F'|' -v l="$1" '$1 == "postern" && $2 == l'); rw=$(ok | awk -F'|' -v l="$1" '$1 == "wggo" && $2 == l')
    [ -n "$rp" ] && [ -n "$rw" ] || return 0
    echo "$1: CPU per packet Postern ÷ wireguard-go = $(awk -v a="$(echo "$rp" | cut -d'|' -f7)" -v b="$(echo "$rw" | cut -d'|' -f7)" 'BEGIN{printf "%.2f", a/b}'), packets/s Postern ÷ wireguard-go = $(awk -v a="$(echo "$rp" | cut -d'|' -f3)" -v b="$(echo "$rw" | cut -d'|' -f3)" 'BEGIN{printf "%.2f", a/b}')"
  }
  for rate in $rates; do ratio "UDP 1200 B offered $rate"; done
  ratio "TCP"
  cat "$work/hub-counters" 2>/dev/null || true
  for kind in postern wggo; do
    echo "$kind: highest UDP rung within 1 % loss: $(ok | awk -F'|' -v k="$kind" '$1 == k && $2 ~ /^UDP/ {r = $2 " (" $3 " packets/s)"} END {print (r == "" ? "none" : r)}')"
  done
fi
