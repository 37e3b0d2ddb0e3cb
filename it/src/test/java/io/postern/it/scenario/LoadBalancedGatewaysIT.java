package io.postern.it.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.it.netns.HttpProbe;
import io.postern.it.netns.IcmpEcho;
import io.postern.it.netns.NetnsLab;
import io.postern.it.netns.WgKeys;
import io.postern.it.netns.WireGuardGoPeer;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Several Postern gateways behind an L4 load balancer, as Kubernetes runs them (README "Running
 * several gateways"). A balancer namespace DNATs the service address to the gateways with nftables
 * ({@code jhash} of the client's source address and port, conntrack keeping each flow where it
 * started, the client's address kept as with {@code externalTrafficPolicy: Local}); each gateway is
 * the jlink image in its own namespace, all with the same key and configuration. Clients: 50 Postern
 * engines in this JVM (in the root namespace) and 2 unmodified wireguard-go clients, all pinging the
 * gateways' tunnel address through the ip handler.
 *
 * <ol>
 *   <li>A wireguard-go client restarts with a new key from the same address and port: the same
 *       5-tuple, so the same gateway; it is answered on its first initiation and the stale session
 *       is evicted there.</li>
 *   <li>A fourth gateway joins the set: no established flow moves, no packet is lost.</li>
 *   <li>One gateway is killed (SIGKILL) and leaves the set (its conntrack entries cleared, as
 *       kube-proxy does for UDP): the other gateways' clients lose no packet; its own clients are
 *       back on another gateway within WireGuard's timers.</li>
 *   <li>One gateway gets SIGTERM: {@code /readyz} is 503 at once, and its established clients lose
 *       no packet during the drain period.</li>
 * </ol>
 */
class LoadBalancedGatewaysIT {
    private static final String VIP = "198.18.120.1";
    private static final String CLIENTS_IP = "198.18.120.2";
    private static final int PORT = 51820;
    private static final int PROBE_PORT = 9586;
    private static final String TUNNEL_GATEWAY = "198.19.0.1";
    private static final int JAVA_CLIENTS = 50;
    private static final int DRAIN_SECONDS = 5;
    private static final Duration PING_INTERVAL = Duration.ofMillis(200);
    /**
     * Postern clients: a new handshake after REKEY_TIMEOUT (5 s) + jitter of unanswered data; each
     * attempt that fails (lost, or answered with a cookie reply by a gateway under load, which the
     * client uses on its next attempt) adds REKEY_TIMEOUT. Three attempts: 5 + 5 + 5 s, plus margin.
     * (On a machine at load 40, 10 of 20 needed the third attempt: 15.9–18.4 s.)
     */
    private static final Duration JAVA_RECOVERY_BOUND = Duration.ofSeconds(20);
    /** wireguard-go: KEEPALIVE_TIMEOUT + REKEY_TIMEOUT (15 s) + jitter of unanswered data, then up to two attempts (+5 s). */
    private static final Duration WG_RECOVERY_BOUND = Duration.ofSeconds(25);

    /** One gateway instance: the image in its own namespace. */
    private record Instance(int n, String ns, String ip, Process process) {
        String probe(String path) {
            return HttpProbe.status(ip, PROBE_PORT, path);
        }

        double metric(String sample) {
            try {
                var c = (java.net.HttpURLConnection) URI.create("http://" + ip + ":" + PROBE_PORT + "/metrics").toURL().openConnection();
                c.setConnectTimeout(2000);
                c.setReadTimeout(5000);
                String body = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                for (String line : body.split("\n")) {
                    if (line.startsWith(sample + " ")) {
                        return Double.parseDouble(line.substring(sample.length() + 1));
                    }
                }
                throw new AssertionError("no sample " + sample + " at " + ip);
            } catch (IOException e) {
                throw new AssertionError("cannot scrape " + ip, e);
            }
        }
    }

    /**
     * The Postern clients' ping traffic: every round (one per interval) each client sends an ICMP echo
     * with the round as its sequence number; the replies' sequence numbers tell which rounds came back.
     */
    private static final class Pinger implements AutoCloseable {
        private final SharedLoopPeers peers;
        private final Thread thread;
        private volatile int round;
        private volatile boolean running = true;

        Pinger(SharedLoopPeers peers) {
            this.peers = peers;
            this.thread = Thread.ofPlatform().daemon().name("lb-pinger").start(this::run);
        }

        private void run() {
            while (running) {
                int seq = round + 1;
                List<SharedLoopPeers.Peer> all = peers.all();
                for (int i = 0; i < all.size(); i++) {
                    peers.send(all.get(i), IcmpEcho.request(clientTunnelIp(i), TUNNEL_GATEWAY, i, seq, new byte[16]));
                }
                round = seq; // complete: every client sent it
                java.util.concurrent.locks.LockSupport.parkNanos(PING_INTERVAL.toNanos());
            }
        }

        /** @return the last round every client has sent */
        int round() {
            return round;
        }

        /** @return the rounds client {@code i} got a reply for */
        java.util.BitSet answered(int i) {
            java.util.BitSet rounds = new java.util.BitSet();
            for (byte[] p : peers.all().get(i).received.payloads()) {
                if (p.length >= 28 && (p[0] & 0xf0) == 0x40 && p[9] == 1) {
                    int ihl = (p[0] & 0x0f) * 4;
                    if (p.length >= ihl + 8 && p[ihl] == 0) {
                        rounds.set((p[ihl + 6] & 0xff) << 8 | (p[ihl + 7] & 0xff));
                    }
                }
            }
            return rounds;
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(Duration.ofSeconds(5));
        }
    }

    private static String clientTunnelIp(int i) {
        return "198.19.1." + (i + 1);
    }

    @Test
    void gatewaysBehindABalancerKeepFlowsLoseOnlyTheirOwnClientsAndDrain() throws Exception {
        Path image = ImageProcess.image();
        try (NetnsLab lab = NetnsLab.open()) {
            // --- the network: root (clients) -- balancer -- gateways; wireguard-go clients beside the balancer
            String lb = lab.namespace("lb");
            lab.veth(null, "c", CLIENTS_IP + "/24", lb, "lc", VIP + "/24");
            lab.exec(lb, "sysctl", "-qw", "net.ipv4.ip_forward=1").orThrow();
            String bridge = lab.bridge(lb, "br", "198.18.121.1/24");
            var root = new ArrayList<String>(List.of("ip", "route", "add", "198.18.121.0/24", "via", VIP));
            runRoot(root);
            List<String> wgNs = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                String ns = lab.namespace("w" + w);
                lab.veth(lb, "lw" + w, "198.18.122." + (4 * w + 1) + "/30", ns, "ew" + w, "198.18.122." + (4 * w + 2) + "/30");
                lab.exec(ns, "ip", "route", "add", "default", "via", "198.18.122." + (4 * w + 1)).orThrow();
                wgNs.add(ns);
            }

            // --- identities and the one configuration every gateway runs
            WgKeys gatewayKeys = WgKeys.generate();
            PublicKey gatewayKey = PublicKey.fromBase64(gatewayKeys.publicKey());
            WgKeys[] wg = {WgKeys.generate(), WgKeys.generate(), WgKeys.generate()}; // wg[2]: wg client 1 after its restart
            SharedLoopPeers clients = new SharedLoopPeers(gatewayKey, Endpoint.of(InetAddress.getByName(VIP), PORT),
                    JAVA_CLIENTS, InetAddress.getByName(CLIENTS_IP));
            try (clients) {
                StringBuilder conf = new StringBuilder("""
                        [Interface]
                        ListenPort = %d
                        Address = %s/16
                        Handler = ip
                        Admission = allowlist
                        SessionPolicy = reset-on-identity-change
                        """.formatted(PORT, TUNNEL_GATEWAY));
                for (int i = 0; i < JAVA_CLIENTS; i++) {
                    conf.append("[Peer]\nPublicKey = ").append(clients.all().get(i).engine.publicKey().toBase64())
                            .append("\nAllowedIPs = ").append(clientTunnelIp(i)).append("/32\n");
                }
                String[] wgTunnel = {"198.19.0.2", "198.19.0.3", "198.19.0.3"};
                for (int k = 0; k < wg.length; k++) {
                    conf.append("[Peer]\nPublicKey = ").append(wg[k].publicKey()).append("\nAllowedIPs = ")
                            .append(wgTunnel[k]).append("/32\n");
                }
                Path confFile = lab.dir().resolve("postern.conf");
                Files.writeString(confFile, conf);
                Path keyFile = lab.dir().resolve("private.key");
                Files.writeString(keyFile, gatewayKeys.privateKey() + "\n");
                Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));

                // --- four gateways start; the balancer's set holds the first three
                List<Instance> instances = new ArrayList<>();
                for (int n = 1; n <= 4; n++) {
                    String ns = lab.namespace("g" + n);
                    String ip = "198.18.121." + (10 + n);
                    String[] link = lab.veth(lb, "lg" + n, null, ns, "eg" + n, ip + "/24");
                    lab.exec(lb, "ip", "link", "set", link[0], "master", bridge).orThrow();
                    lab.exec(ns, "ip", "route", "add", "default", "via", "198.18.121.1").orThrow();
                    Path data = Files.createDirectories(lab.dir().resolve("data" + n));
                    // wg's control socket (NAME.sock) is machine-wide by default: one directory per instance here
                    Path uapi = Files.createDirectories(lab.dir().resolve("uapi" + n));
                    Process p = lab.start(ns, List.of("JAVA_OPTS=-Xmx256m -XX:+UseSerialGC"), image.resolve("bin/postern").toString(), "up",
                            "--config", confFile.toString(), "--private-key", keyFile.toString(), "--watch-config",
                            "--data-dir", data.toString(), "--uapi-dir", uapi.toString(), "--metrics-listen", ip + ":" + PROBE_PORT,
                            "--drain", Integer.toString(DRAIN_SECONDS));
                    instances.add(new Instance(n, ns, ip, p));
                }
                for (Instance g : instances) {
                    await("gateway " + g.n() + " ready", Duration.ofSeconds(90), () -> g.probe("/readyz").equals("200"), lab);
                }
                List<Instance> set = new ArrayList<>(instances.subList(0, 3));
                balance(lab, lb, set);

                // --- clients connect: 50 Postern engines and 2 wireguard-go
                try (Pinger pinger = new Pinger(clients)) {
                    await("every Postern client answered", Duration.ofSeconds(60), () -> {
                        for (int i = 0; i < JAVA_CLIENTS; i++) {
                            if (pinger.answered(i).isEmpty()) {
                                return false;
                            }
                        }
                        return true;
                    }, lab);
                    WireGuardGoPeer[] wgPeers = new WireGuardGoPeer[2];
                    for (int w = 0; w < 2; w++) {
                        wgPeers[w] = wgClient(lab, wgNs.get(w), "wg" + w, wg[w], wgTunnel[w], gatewayKeys.publicKey());
                        assertThat(firstReplyMillis(lab, wgNs.get(w), Duration.ofSeconds(20))).as("wg client %d connects", w)
                                .isNotNegative();
                    }
                    Map<String, String> flows = flows(lab, lb);
                    System.out.println("flows (client -> gateway): " + summarize(flows));
                    assertThat(flows).hasSize(JAVA_CLIENTS + 2);

                    // --- 1. a wireguard-go client restarts with a new key from the same address and port
                    String w1Flow = "198.18.122.6:" + WG_PORT;
                    String w1Gateway = flows.get(w1Flow);
                    Instance holder = instances.stream().filter(g -> g.ip().equals(w1Gateway)).findFirst().orElseThrow();
                    double evictedBefore = holder.metric("postern_stale_sessions_evicted_total");
                    wgPeers[1].kill();
                    wgPeers[1] = wgClient(lab, wgNs.get(1), "wg1", wg[2], wgTunnel[2], gatewayKeys.publicKey());
                    long restartMs = firstReplyMillis(lab, wgNs.get(1), Duration.ofSeconds(10));
                    System.out.println("wireguard-go restart with a new key: first reply after " + restartMs + " ms on "
                            + holder.ip());
                    assertThat(restartMs).as("answered on its first initiation (a second comes only after 5 s)")
                            .isBetween(0L, 2000L);
                    assertThat(flows(lab, lb).get(w1Flow)).as("same 5-tuple, same gateway").isEqualTo(w1Gateway);
                    await("stale session evicted on " + holder.ip(), Duration.ofSeconds(10),
                            () -> holder.metric("postern_stale_sessions_evicted_total") == evictedBefore + 1, lab);

                    // --- 2. a fourth gateway joins: no established flow moves, nothing lost
                    Map<String, String> before = flows(lab, lb);
                    int c0 = pinger.round();
                    set.add(instances.get(3));
                    balance(lab, lb, set);
                    Thread.sleep(3000);
                    Map<String, String> after = flows(lab, lb);
                    for (var e : before.entrySet()) {
                        assertThat(after.get(e.getKey())).as("flow %s after a gateway joined", e.getKey()).isEqualTo(e.getValue());
                    }
                    assertLossless(pinger, c0, pinger.round(), allClients(), "while a fourth gateway joined");

                    // --- 3. SIGKILL the gateway holding wireguard-go client 0; it leaves the set
                    Map<String, String> flowsAtKill = flows(lab, lb);
                    String deadIp = flowsAtKill.get("198.18.122.2:" + WG_PORT);
                    Instance dead = instances.stream().filter(g -> g.ip().equals(deadIp)).findFirst().orElseThrow();
                    List<Integer> orphans = new ArrayList<>();
                    List<Integer> survivors = new ArrayList<>();
                    for (int i = 0; i < JAVA_CLIENTS; i++) {
                        (deadIp.equals(flowsAtKill.get(javaFlow(clients, i))) ? orphans : survivors).add(i);
                    }
                    boolean w1Survives = !deadIp.equals(flowsAtKill.get(w1Flow));
                    CompletableFuture<String> w0Ping = ping(lab, wgNs.get(0), 140); // 28 s: beyond the 25 s bound
                    CompletableFuture<String> w1Ping = ping(lab, wgNs.get(1), 140);
                    Thread.sleep(1000);
                    int k0 = pinger.round();
                    long killedAt = System.nanoTime();
                    dead.process().destroyForcibly(); // SIGKILL
                    dead.process().waitFor(10, TimeUnit.SECONDS);
                    set.remove(dead);
                    balance(lab, lb, set);
                    lab.exec(lb, "conntrack", "-D", "-p", "udp", "--reply-src", deadIp); // as kube-proxy does for UDP
                    // a reply to a round sent before the gateway died is no recovery: count only later rounds
                    int afterKill = pinger.round();
                    long[] backMs = new long[JAVA_CLIENTS];
                    java.util.Arrays.fill(backMs, -1);
                    long deadline = killedAt + WG_RECOVERY_BOUND.toNanos() + Duration.ofSeconds(2).toNanos();
                    while (System.nanoTime() < deadline) {
                        boolean all = true;
                        for (int i : orphans) {
                            if (backMs[i] < 0 && pinger.answered(i).nextSetBit(afterKill + 1) > 0) {
                                backMs[i] = (System.nanoTime() - killedAt) / 1_000_000;
                            }
                            all &= backMs[i] >= 0;
                        }
                        if (all && w0Ping.isDone() && w1Ping.isDone()) {
                            break;
                        }
                        Thread.sleep(50);
                    }
                    int k1 = pinger.round();
                    String w0Out = w0Ping.get(60, TimeUnit.SECONDS);
                    String w1Out = w1Ping.get(60, TimeUnit.SECONDS);
                    List<Long> orphanTimes = orphans.stream().map(i -> backMs[i]).sorted().toList();
                    long w0Back = recoveryMillis(w0Out, killedAt);
                    System.out.println("SIGKILL of " + deadIp + ": " + orphans.size() + " Postern clients back after (ms) "
                            + orphanTimes + "; wireguard-go client 0 back after " + w0Back + " ms; survivors "
                            + survivors.size() + " Postern clients" + (w1Survives ? " + wireguard-go client 1" : ""));
                    assertThat(orphanTimes).as("every orphaned Postern client is back within %s", JAVA_RECOVERY_BOUND)
                            .allMatch(t -> t >= 0 && t <= JAVA_RECOVERY_BOUND.toMillis());
                    assertThat(w0Back).as("wireguard-go client back within %s", WG_RECOVERY_BOUND)
                            .isBetween(0L, WG_RECOVERY_BOUND.toMillis());
                    assertLossless(pinger, k0, k1, survivors, "while another gateway was killed");
                    if (w1Survives) {
                        assertThat(lost(w1Out)).as("wireguard-go client 1 (other gateway) lost nothing:\n%s", w1Out).isZero();
                    }
                    Map<String, String> flowsAfterKill = flows(lab, lb);
                    for (int i : survivors) {
                        assertThat(flowsAfterKill.get(javaFlow(clients, i))).isEqualTo(flowsAtKill.get(javaFlow(clients, i)));
                    }

                    // --- 4. SIGTERM: not ready at once, established flows served through the drain period
                    Map<String, String> flowsAtTerm = flows(lab, lb);
                    Instance draining = set.stream().filter(g -> g != instances.get(3))
                            .max(java.util.Comparator.comparingLong(g -> flowsAtTerm.values().stream().filter(g.ip()::equals).count()))
                            .orElseThrow();
                    List<Integer> drained = new ArrayList<>();
                    for (int i = 0; i < JAVA_CLIENTS; i++) {
                        if (draining.ip().equals(flowsAtTerm.get(javaFlow(clients, i)))) {
                            drained.add(i);
                        }
                    }
                    assertThat(drained).as("clients on the draining gateway").isNotEmpty();
                    int d0 = pinger.round();
                    long termAt = System.nanoTime();
                    draining.process().destroy(); // SIGTERM
                    await("/readyz of the draining gateway is 503", Duration.ofSeconds(2),
                            () -> draining.probe("/readyz").equals("503"), lab);
                    long notReadyMs = (System.nanoTime() - termAt) / 1_000_000;
                    set.remove(draining); // the balancer stops sending new flows; established ones stay (conntrack)
                    balance(lab, lb, set);
                    assertThat(draining.probe("/healthz")).as("draining is alive").isEqualTo("200");
                    Thread.sleep(Duration.ofSeconds(DRAIN_SECONDS).minusMillis(1500 + notReadyMs).toMillis());
                    int d1 = pinger.round();
                    System.out.println("SIGTERM of " + draining.ip() + ": /readyz 503 after " + notReadyMs + " ms; "
                            + drained.size() + " clients served through the " + DRAIN_SECONDS + " s drain");
                    assertLossless(pinger, d0, d1, drained, "during the drain period");
                    assertThat(draining.process().waitFor(DRAIN_SECONDS + 20, TimeUnit.SECONDS)).as("stopped after the drain")
                            .isTrue();
                }
            }
        }
    }

    private static final int WG_PORT = 51999;

    private static List<Integer> allClients() {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < JAVA_CLIENTS; i++) {
            all.add(i);
        }
        return all;
    }

    private static String javaFlow(SharedLoopPeers clients, int i) {
        return CLIENTS_IP + ":" + clients.all().get(i).endpoint.port();
    }

    /** Replaces the balancer's rule: DNAT of the service address by jhash of source address and port over {@code set}. */
    private static void balance(NetnsLab lab, String lb, List<Instance> set) {
        StringBuilder map = new StringBuilder();
        for (int i = 0; i < set.size(); i++) {
            map.append(i == 0 ? "" : ", ").append(i).append(" : ").append(set.get(i).ip());
        }
        String rule = "ip daddr " + VIP + " udp dport " + PORT + " dnat to jhash ip saddr . udp sport mod " + set.size()
                + " map { " + map + " }";
        // one nft transaction, as kube-proxy's nftables mode updates: deleting and re-adding the table
        // instead would leave a moment without a nat hook, when even tracked flows are not translated
        String script = "table ip postern_lb {\n chain pre {\n  type nat hook prerouting priority -100;\n }\n}\n"
                + "flush chain ip postern_lb pre\nadd rule ip postern_lb pre " + rule + "\n";
        lab.exec(lb, "sh", "-c", "printf '%s' '" + script + "' | nft -f -").orThrow();
    }

    /** @return client IP:port → gateway IP, from the balancer's conntrack table */
    private static Map<String, String> flows(NetnsLab lab, String lb) {
        String out = lab.exec(lb, "conntrack", "-L", "-p", "udp", "--orig-dst", VIP).stdout();
        Pattern p = Pattern.compile("src=(\\S+) dst=\\S+ sport=(\\d+) dport=" + PORT + " .*?src=(\\S+) dst=");
        Map<String, String> flows = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            Matcher m = p.matcher(line);
            if (m.find()) {
                flows.put(m.group(1) + ":" + m.group(2), m.group(3));
            }
        }
        return flows;
    }

    private static Map<String, Long> summarize(Map<String, String> flows) {
        Map<String, Long> per = new HashMap<>();
        flows.values().forEach(g -> per.merge(g, 1L, Long::sum));
        return per;
    }

    /**
     * Every client of {@code clients} got the reply to every round after {@code from} up to
     * {@code to} (waiting a moment for replies still on their way).
     */
    private static void assertLossless(Pinger pinger, int from, int to, List<Integer> clients, String when)
            throws InterruptedException {
        Thread.sleep(1500);
        List<String> lossy = new ArrayList<>();
        for (int i : clients) {
            java.util.BitSet missing = new java.util.BitSet();
            missing.set(from + 1, to + 1);
            missing.andNot(pinger.answered(i));
            if (!missing.isEmpty()) {
                java.util.BitSet near = pinger.answered(i).get(Math.max(0, to - 5), to + 10);
                lossy.add("client " + i + " lost rounds " + missing + " (answered from round " + Math.max(0, to - 5) + ": "
                        + near + ", now at round " + pinger.round() + ")");
            }
        }
        System.out.println(when + ": " + clients.size() + " clients x " + (to - from) + " echoes, lossy: " + lossy);
        assertThat(to - from).as("rounds sent %s", when).isPositive();
        assertThat(lossy).as("clients that lost packets %s", when).isEmpty();
    }

    /** A wireguard-go client; {@code dev} differs per client (wireguard-go's control socket is named after it, machine-wide). */
    private static WireGuardGoPeer wgClient(NetnsLab lab, String ns, String dev, WgKeys keys, String tunnelIp,
                                            String gatewayKey) throws Exception {
        WireGuardGoPeer p = WireGuardGoPeer.start(lab, ns, dev, keys.privateKey(), tunnelIp + "/16", WG_PORT);
        p.setPeer(gatewayKey, VIP + ":" + PORT, "198.19.0.0/16", 0);
        return p;
    }

    /** @return ms until the first ping reply from the gateway's tunnel address, or -1 */
    private static long firstReplyMillis(NetnsLab lab, String ns, Duration bound) {
        long start = System.nanoTime();
        while (System.nanoTime() - start < bound.toNanos()) {
            var r = lab.exec(ns, Duration.ofSeconds(5), "ping", "-n", "-q", "-c", "1", "-W", "1", TUNNEL_GATEWAY);
            if (r.exitCode() == 0) {
                return (System.nanoTime() - start) / 1_000_000;
            }
        }
        return -1;
    }

    /** Pings the gateway every 200 ms, {@code count} times, with reply timestamps (-D), in the background. */
    private static CompletableFuture<String> ping(NetnsLab lab, String ns, int count) {
        return CompletableFuture.supplyAsync(() -> lab.exec(ns, Duration.ofSeconds(count / 5 + 30), "ping", "-n", "-D",
                "-i", "0.2", "-c", Integer.toString(count), "-W", "1", TUNNEL_GATEWAY).stdout());
    }

    /** @return ms from {@code killedAtNanos} to the first reply after it in ping -D output, or -1 */
    private static long recoveryMillis(String pingOutput, long killedAtNanos) {
        double killedAtEpoch = System.currentTimeMillis() / 1000.0 - (System.nanoTime() - killedAtNanos) / 1e9;
        Matcher m = Pattern.compile("^\\[(\\d+\\.\\d+)\\] \\d+ bytes from", Pattern.MULTILINE).matcher(pingOutput);
        double lastBefore = -1;
        while (m.find()) {
            double t = Double.parseDouble(m.group(1));
            if (t > killedAtEpoch) {
                // a reply right after the kill may still be one of the dead gateway's (in flight): the
                // client is back when replies resume after the gap
                if (lastBefore >= 0 && t - lastBefore < 1.0) {
                    lastBefore = t;
                    continue;
                }
                return Math.round((t - killedAtEpoch) * 1000);
            }
            lastBefore = t;
        }
        return -1;
    }

    /** @return packets lost according to ping's summary line */
    private static int lost(String pingOutput) {
        Matcher m = Pattern.compile("(\\d+) packets transmitted, (\\d+) received").matcher(pingOutput);
        if (!m.find()) {
            throw new AssertionError("no ping summary:\n" + pingOutput);
        }
        return Integer.parseInt(m.group(1)) - Integer.parseInt(m.group(2));
    }

    private static void runRoot(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    private static void await(String what, Duration bound, BooleanSupplier condition, NetnsLab lab) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                StringBuilder logs = new StringBuilder();
                try (var files = Files.list(lab.dir())) {
                    for (Path f : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                        List<String> lines = Files.readAllLines(f);
                        logs.append("--- ").append(f.getFileName()).append('\n')
                                .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()))).append('\n');
                    }
                }
                throw new AssertionError("waited " + bound + " for: " + what + "\n" + logs);
            }
            Thread.sleep(100);
        }
    }
}
