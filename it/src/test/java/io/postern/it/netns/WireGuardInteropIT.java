package io.postern.it.netns;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.engine.PeerConfig;
import io.postern.engine.PeerStatus;
import io.postern.engine.SessionState;
import io.postern.event.DropReason;
import io.postern.spi.GatewayEvent;
import io.postern.gateway.NodeConfig;
import io.postern.gateway.PosternNode;
import io.postern.key.PresharedKey;
import io.postern.key.PrivateKey;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.net.IpPrefix;
import io.postern.spi.HandlerContext;
import io.postern.spi.PacketHandler;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Postern against an unmodified WireGuard implementation (wireguard-go from Debian, configured
 * with wg), through a NAT router built from network namespaces. Needs root; CI runs it.
 */
class WireGuardInteropIT {
    private static final int PEER_LISTEN_PORT = 51999;
    private static final String TUNNEL_GATEWAY = "198.19.0.1";

    private static String gatewayEndpoint(PosternNode gw) {
        return NatTopology.GATEWAY_IP + ":" + gw.localEndpoint().port();
    }

    private static WireGuardGoPeer wgPeer(NetnsLab lab, String ns, String dev, WgKeys keys, String tunnelIp,
                                          PosternNode gw) throws Exception {
        WireGuardGoPeer p = WireGuardGoPeer.start(lab, ns, dev, keys.privateKey(), tunnelIp + "/24", PEER_LISTEN_PORT);
        p.setPeer(gw.publicKey().toBase64(), gatewayEndpoint(gw), "198.19.0.0/24", 0);
        return p;
    }

    /** Pings once a ~100 ms until a reply or the bound; @return ms until the first reply, or -1. */
    private static long timeToFirstReply(WireGuardGoPeer peer, String target, Duration bound) {
        long start = System.nanoTime();
        long deadline = start + bound.toNanos();
        while (System.nanoTime() < deadline) {
            if (peer.ping(target, 1, Duration.ofMillis(100), Duration.ofSeconds(1)) == 1) {
                return (System.nanoTime() - start) / 1_000_000;
            }
        }
        return -1;
    }

    @Test
    void handshakeAndDataBothWays() throws Exception {
        try (NetnsLab lab = NetnsLab.open()) {
            NatTopology net = new NatTopology(lab, 1);
            WgKeys peerKeys = WgKeys.generate();
            List<GatewayEvent> events = new CopyOnWriteArrayList<>();
            try (PosternNode gw = gateway("reset-on-identity-change", events, peerKeys)) { // 198.19.0.2
                WireGuardGoPeer peer = wgPeer(lab, net.hosts.getFirst(), "wg", peerKeys, "198.19.0.2", gw);
                assertThat(timeToFirstReply(peer, TUNNEL_GATEWAY, Duration.ofSeconds(10))).isNotNegative();

                int answered = peer.ping(TUNNEL_GATEWAY, 100, Duration.ofMillis(20), Duration.ofSeconds(1));
                assertThat(answered).isGreaterThanOrEqualTo(99);

                String[] dump = peer.dumpPeers().getFirst(); // key psk endpoint allowed handshake rx tx keepalive
                assertThat(dump[0]).isEqualTo(gw.publicKey().toBase64());
                long handshakeAt = Long.parseLong(dump[4]);
                assertThat(System.currentTimeMillis() / 1000 - handshakeAt).isBetween(0L, 60L);
                assertThat(Long.parseLong(dump[5])).isPositive();
                assertThat(Long.parseLong(dump[6])).isPositive();

                PeerStatus seen = gw.engine().peer(PublicKey.fromBase64(peerKeys.publicKey())).orElseThrow();
                assertThat(seen.state()).isEqualTo(SessionState.ESTABLISHED);
                assertThat(seen.endpoint().ip().getHostAddress()).isEqualTo(NatTopology.ROUTER_WAN_IP);
                assertThat(seen.rxBytes()).isPositive();
                assertThat(seen.txBytes()).isPositive();
            }
        }
    }

    /** Test 2: the original bug, for real — restart behind NAT with a new key, same LAN address and port. */
    @Test
    void restartWithNewKeyBehindNatReconnectsAndEvictsTheStaleSession() throws Exception {
        List<Long> times = restartRuns("reset-on-identity-change", 0, 10, Duration.ofSeconds(2));
        System.out.println("reconnect after restart (ms), 10 runs: " + times);
        assertThat(times).hasSize(10).allMatch(t -> t >= 0 && t <= 2000);
    }

    /** Test 2 under reject-while-bound: the behaviour of the gateway in the bug report. */
    @Test
    void rejectWhileBoundReproducesTheOriginalBug() throws Exception {
        List<Long> times = restartRuns("reject-while-bound", 0, 1, Duration.ofSeconds(2));
        assertThat(times).containsExactly(-1L);
    }

    /**
     * Test 4: test 2 with 10 % random loss in both directions on the NAT router. Reconnecting is a
     * probabilistic property here: a handshake attempt fails when its initiation or its response is
     * lost (1 − 0.9² = 19 %), and wireguard-go retries only every REKEY_TIMEOUT (5 s + jitter), so a
     * single restart misses 10 s with probability 0.19² ≈ 3.6 % whatever the gateway does (one such
     * miss was seen in 8 CI-like runs of a one-restart version). So: 10 restarts, at least 7 within
     * 10 s, and every one within 16 s (three attempts). Binomial model: this fails with probability
     * ≈ 4·10⁻⁴ (four or more misses) + 10 × 0.19³ ≈ 7·10⁻⁴ (a third lost attempt), while a gateway
     * that mishandled the restart would fail it every time.
     */
    @Test
    void reconnectsWithin10SecondsUnderTenPercentLoss() throws Exception {
        List<Long> times = restartRuns("reset-on-identity-change", 10, 10, Duration.ofSeconds(16));
        System.out.println("reconnect after restart under 10% loss (ms), 10 runs: " + times);
        assertThat(times).as("every restart reconnects within three handshake attempts (16 s)")
                .allMatch(t -> t >= 0 && t <= 16_000);
        assertThat(times.stream().filter(t -> t <= 10_000).count()).as("restarts reconnected within 10 s")
                .isGreaterThanOrEqualTo(7);
    }

    private List<Long> restartRuns(String policy, int lossPercent, int runs, Duration bound) throws Exception {
        List<Long> times = new ArrayList<>();
        try (NetnsLab lab = NetnsLab.open()) {
            NatTopology net = new NatTopology(lab, 1);
            if (lossPercent > 0) {
                lab.randomLoss(net.router, lossPercent);
            }
            WgKeys[] keys = new WgKeys[runs + 1];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = WgKeys.generate();
            }
            List<GatewayEvent> events = new CopyOnWriteArrayList<>();
            try (PosternNode gw = gateway(policy, events, keys)) {
                String host = net.hosts.getFirst();
                WireGuardGoPeer current = wgPeer(lab, host, "wg", keys[0], "198.19.0.2", gw);
                assertThat(timeToFirstReply(current, TUNNEL_GATEWAY, Duration.ofSeconds(30)))
                        .as("first peer connects").isNotNegative();
                for (int run = 1; run <= runs; run++) {
                    PublicKey old = PublicKey.fromBase64(keys[run - 1].publicKey());
                    PublicKey next = PublicKey.fromBase64(keys[run].publicKey());
                    Endpoint before = gw.engine().peer(old).orElseThrow().endpoint();
                    long evictedBefore = gw.engine().counters().staleSessionsEvicted();

                    current.kill(); // crash: process gone, interface gone, all state gone
                    // the address goes with the new key (wg semantics: a prefix has one owner, the peer
                    // configured last), as `wg set <new key> allowed-ips …` would give it
                    gw.engine().addOrUpdatePeer(new PeerConfig(next, PresharedKey.NONE,
                            List.of(IpPrefix.parse("198.19.0.2/32")), null, Duration.ZERO));
                    current = wgPeer(lab, host, "wg", keys[run], "198.19.0.2", gw);
                    long t = timeToFirstReply(current, TUNNEL_GATEWAY, bound);
                    times.add(t);
                    if (policy.equals("reject-while-bound")) {
                        assertThat(gw.engine().counters().drops(DropReason.POLICY_REJECTED)).isPositive();
                        assertThat(gw.engine().peerAt(before)).contains(old);
                        continue;
                    }
                    if (t < 0) {
                        continue; // the assertion on times reports it
                    }
                    // the NAT reused the mapping: the gateway sees the new identity at the old IP:port
                    assertThat(gw.engine().peer(next).orElseThrow().endpoint()).isEqualTo(before);
                    assertThat(gw.engine().peerAt(before)).contains(next);
                    assertThat(gw.engine().counters().staleSessionsEvicted()).isEqualTo(evictedBefore + 1);
                    assertThat(gw.engine().peer(old).orElseThrow().state()).isEqualTo(SessionState.NONE);
                    assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(
                            GatewayEvent.SessionEvicted.class, ev -> {
                                assertThat(ev.evicted()).isEqualTo(old);
                                assertThat(ev.replacement()).isEqualTo(next);
                                assertThat(ev.endpoint()).isEqualTo(before);
                            }));
                }
            }
        }
        return times;
    }

    /**
     * The gateway: Postern in the root namespace on 198.18.0.1 with the ip handler and allowlist
     * admission. Every key is configured with tunnel address 198.19.0.2 (in the restart runs the
     * device keeps its IP across keys); the first key is configured last, so it owns the address
     * until a restart gives it to the next key.
     */
    private static PosternNode gateway(String policy, List<GatewayEvent> events, WgKeys... keys)
            throws Exception {
        NodeConfig.Builder b = NodeConfig.builder(PrivateKey.fromBase64(WgKeys.generate().privateKey()))
                .listenAddress(InetAddress.getByName(NatTopology.GATEWAY_IP)).listenPort(0)
                .address(IpPrefix.parse(TUNNEL_GATEWAY + "/24")).handler("ip").admission("allowlist")
                .sessionPolicy(policy).listener(events::add);
        for (WgKeys k : keys.length > 1 ? reversed(keys) : keys) {
            b.peer(new PeerConfig(PublicKey.fromBase64(k.publicKey()), PresharedKey.NONE,
                    List.of(IpPrefix.parse("198.19.0.2/32")), null, Duration.ZERO));
        }
        return PosternNode.start(b.build());
    }

    private static WgKeys[] reversed(WgKeys[] keys) {
        WgKeys[] r = new WgKeys[keys.length];
        for (int i = 0; i < keys.length; i++) {
            r[i] = keys[keys.length - 1 - i];
        }
        return r;
    }

    /** Test 3: two wireguard-go peers behind the same NAT ping each other through the gateway. */
    @Test
    void hubRoutesBetweenTwoPeersBehindTheSameNat() throws Exception {
        try (NetnsLab lab = NetnsLab.open()) {
            NatTopology net = new NatTopology(lab, 2);
            WgKeys k1 = WgKeys.generate();
            WgKeys k2 = WgKeys.generate();
            NodeConfig.Builder b = NodeConfig.builder(PrivateKey.fromBase64(WgKeys.generate().privateKey()))
                    .listenAddress(InetAddress.getByName(NatTopology.GATEWAY_IP)).listenPort(0)
                    .address(IpPrefix.parse(TUNNEL_GATEWAY + "/24")).handler("ip").admission("allowlist")
                    .peer(new PeerConfig(PublicKey.fromBase64(k1.publicKey()), PresharedKey.NONE,
                            List.of(IpPrefix.parse("198.19.0.2/32")), null, Duration.ZERO))
                    .peer(new PeerConfig(PublicKey.fromBase64(k2.publicKey()), PresharedKey.NONE,
                            List.of(IpPrefix.parse("198.19.0.3/32")), null, Duration.ZERO));
            try (PosternNode gw = PosternNode.start(b.build())) {
                // distinct device names: wireguard-go's control socket /var/run/wireguard/<dev>.sock is
                // shared by all namespaces (they share the mount namespace)
                WireGuardGoPeer p1 = wgPeer(lab, net.hosts.get(0), "wg0", k1, "198.19.0.2", gw);
                WireGuardGoPeer p2 = wgPeer(lab, net.hosts.get(1), "wg1", k2, "198.19.0.3", gw);
                // each peer needs a session with the gateway before the gateway can forward to it
                assertThat(timeToFirstReply(p2, TUNNEL_GATEWAY, Duration.ofSeconds(10))).isNotNegative();
                assertThat(timeToFirstReply(p1, "198.19.0.3", Duration.ofSeconds(10))).isNotNegative();
                assertThat(p1.ping("198.19.0.3", 20, Duration.ofMillis(50), Duration.ofSeconds(1)))
                        .isGreaterThanOrEqualTo(19);
                assertThat(p2.ping("198.19.0.2", 20, Duration.ofMillis(50), Duration.ofSeconds(1)))
                        .isGreaterThanOrEqualTo(19);
            }
        }
    }

    /** Test 5: roles swapped — a Postern node dials a wireguard-go gateway and echoes through it. */
    @Test
    void posternDialsAWireGuardGoGateway() throws Exception {
        try (NetnsLab lab = NetnsLab.open()) {
            String server = lab.namespace("s");
            lab.veth(null, "c", "198.18.2.1/24", server, "s", "198.18.2.2/24");
            WgKeys serverKeys = WgKeys.generate();
            WgKeys clientKeys = WgKeys.generate();
            WireGuardGoPeer wg = WireGuardGoPeer.start(lab, server, "wg", serverKeys.privateKey(), "198.19.1.1/24",
                    51820);
            wg.setPeer(clientKeys.publicKey(), null, "198.19.1.2/32", 0);

            LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
            PacketHandler capture = new PacketHandler() {
                @Override
                public String name() {
                    return "capture";
                }

                @Override
                public String description() {
                    return "test capture";
                }

                @Override
                public void onPacket(PublicKey peer, byte[] buf, int off, int len, HandlerContext ctx) {
                    received.add(Arrays.copyOfRange(buf, off, off + len));
                }
            };
            PublicKey serverKey = PublicKey.fromBase64(serverKeys.publicKey());
            NodeConfig config = NodeConfig.builder(PrivateKey.fromBase64(clientKeys.privateKey()))
                    .listenAddress(InetAddress.getByName("198.18.2.1")).listenPort(0)
                    .address(IpPrefix.parse("198.19.1.2/24")).handler(capture).admission("allowlist")
                    .peer(new PeerConfig(serverKey, PresharedKey.NONE, List.of(IpPrefix.parse("198.19.1.0/24")),
                            Endpoint.parse("198.18.2.2:51820"), Duration.ZERO))
                    .build();
            try (PosternNode client = PosternNode.start(config)) {
                for (int seq = 1; seq <= 5; seq++) {
                    byte[] ping = IcmpEcho.request("198.19.1.2", "198.19.1.1", 0x5054, seq, "postern".getBytes());
                    assertThat(client.engine().send(serverKey, ping, 0, ping.length)).isTrue();
                    byte[] reply = null;
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (reply == null && System.nanoTime() < deadline) {
                        byte[] r = received.poll(200, TimeUnit.MILLISECONDS);
                        if (r != null && IcmpEcho.isReply(r, "198.19.1.1", 0x5054, seq)) {
                            reply = r;
                        }
                    }
                    assertThat(reply).as("echo reply %d through wireguard-go", seq).isNotNull();
                }
                String[] dump = wg.dumpPeers().getFirst();
                assertThat(dump[0]).isEqualTo(clientKeys.publicKey());
                assertThat(dump[2]).startsWith("198.18.2.1:");
                assertThat(Long.parseLong(dump[5])).isPositive();
                assertThat(Long.parseLong(dump[6])).isPositive();
            }
        }
    }
}
