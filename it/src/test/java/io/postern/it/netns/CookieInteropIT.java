package io.postern.it.netns;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.engine.EngineCounters;
import io.postern.engine.PeerConfig;
import io.postern.engine.SessionEngine;
import io.postern.engine.SessionState;
import io.postern.gateway.NodeConfig;
import io.postern.gateway.PosternNode;
import io.postern.key.PresharedKey;
import io.postern.key.PrivateKey;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.net.IpPrefix;
import io.postern.spi.crypto.CryptoProvider;
import io.postern.spi.crypto.HandshakeProtocol;
import io.postern.spi.crypto.HandshakeProtocolFactory;
import io.postern.spi.crypto.HandshakeResult;
import io.postern.wire.Tai64n;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Cookies against an unmodified wireguard-go (issue 12 item 5): with the other side held under load,
 * handshakes still complete, in each role. "Under load" is made as in the wild: a flood of
 * initiations with a valid mac1 from an unknown key, sent from a third address (198.18.0.9), in
 * bursts that take the target's handshake queue past its threshold (wireguard-go {@code IsUnderLoad}:
 * {@code QueueHandshakeSize / 8} = 128 waiting messages, then 1 s; Postern's is the same) without
 * filling it. The flood proves the load by the cookie replies it gets back; the legitimate peer's
 * address is another, so the per-IP rate limit never touches it.
 *
 * <p>Topology: Postern in the root namespace on 198.18.0.1 (and the flood's 198.18.0.9), wireguard-go
 * in a namespace on 198.18.0.2, one veth between them; tunnel 198.19.0.0/24. Needs root; CI runs it.
 */
class CookieInteropIT {
    private static final String GATEWAY_IP = "198.18.0.1";
    private static final String PEER_IP = "198.18.0.2";
    private static final String FLOOD_IP = "198.18.0.9";
    private static final int PEER_PORT = 51999;
    private static final String TUNNEL_GATEWAY = "198.19.0.1";
    /** A cookie round costs one retransmission: REKEY_TIMEOUT (5 s) + jitter; two are allowed for. */
    private static final Duration HANDSHAKE_BOUND = Duration.ofSeconds(16);
    private static final Duration LOAD_BOUND = Duration.ofSeconds(10);

    /**
     * Pins wireguard-go's responder under load (receive.go RoutineHandshake, SendHandshakeCookie): it
     * answers our initiation with a cookie reply; we keep the cookie and our retransmission carries mac2.
     */
    @Test
    void posternInitiatesToALoadedWireGuardGo() throws Exception {
        try (Lab l = new Lab(); Flood flood = new Flood(l.peerAddress(), initiationTo(l.wgKey))) {
            flood.awaitLoad(LOAD_BOUND);
            long cookies = l.counters().cookiesReceived();
            l.engine().initiateHandshake(l.wgKey);
            l.awaitEstablished();
            assertThat(l.counters().cookiesReceived()).as("wireguard-go asked for a cookie").isGreaterThan(cookies);
        }
    }

    /**
     * Pins wireguard-go's initiator against our cookie reply (receive.go MessageCookieReplyType,
     * cookie.go ConsumeReply, AddMacs on its retransmission): Postern under load answers its
     * initiation with a cookie reply, and its retransmission with mac2 gets the response.
     */
    @Test
    void wireGuardGoInitiatesToALoadedPostern() throws Exception {
        try (Lab l = new Lab(); Flood flood = new Flood(l.gatewayAddress(), initiationTo(l.gw.publicKey()))) {
            flood.awaitLoad(LOAD_BOUND);
            assertThat(l.pingUntilReply()).as("wireguard-go's handshake with a loaded Postern").isTrue();
            l.assertWireGuardGoTookOurCookie();
        }
    }

    /**
     * The new direction, wireguard-go initiating while IT is under load: it answers our response
     * with a cookie reply naming our responder index (receive.go checks mac2 of responses too); we
     * must take it (any index of the peer's, cookie.go lastMAC1 = our response's mac1) and put mac2
     * on the response to its retransmission (AddMacs in SendHandshakeResponse). Before, Postern
     * dropped that cookie reply and this handshake never completed while the load lasted.
     */
    @Test
    void aLoadedWireGuardGoInitiatesAndPosternsResponseGetsMac2() throws Exception {
        try (Lab l = new Lab(); Flood flood = new Flood(l.peerAddress(), initiationTo(l.wgKey))) {
            flood.awaitLoad(LOAD_BOUND);
            long cookies = l.counters().cookiesReceived();
            assertThat(l.pingUntilReply()).as("a loaded wireguard-go's handshake with Postern").isTrue();
            assertThat(l.counters().cookiesReceived()).as("wireguard-go asked for mac2 on our response")
                    .isGreaterThan(cookies);
        }
    }

    /**
     * The new direction, Postern initiating while under load itself: it answers wireguard-go's
     * response with a cookie reply naming wireguard-go's index; wireguard-go keeps the cookie
     * (ConsumeReply with its response's mac1) and its response to our retransmission carries mac2.
     */
    @Test
    void aLoadedPosternInitiatesAndWireGuardGosResponseGetsMac2() throws Exception {
        try (Lab l = new Lab(); Flood flood = new Flood(l.gatewayAddress(), initiationTo(l.gw.publicKey()))) {
            flood.awaitLoad(LOAD_BOUND);
            l.engine().initiateHandshake(l.wgKey);
            l.awaitEstablished();
            l.assertWireGuardGoTookOurCookie();
        }
    }

    /** One lab: Postern, a wireguard-go peer configured both ways, and the flood's address. */
    private static final class Lab implements AutoCloseable {
        final NetnsLab lab;
        final String host;
        final PosternNode gw;
        final PublicKey wgKey;
        final WireGuardGoPeer wg;

        Lab() throws Exception {
            lab = NetnsLab.open();
            try {
                host = lab.namespace("h");
                String[] link = lab.veth(null, "gw", GATEWAY_IP + "/24", host, "e", PEER_IP + "/24");
                Command.run(List.of("ip", "addr", "add", FLOOD_IP + "/24", "dev", link[0])).orThrow();
                WgKeys keys = WgKeys.generate();
                wgKey = PublicKey.fromBase64(keys.publicKey());
                gw = PosternNode.start(NodeConfig.builder(PrivateKey.fromBase64(WgKeys.generate().privateKey()))
                        .listenAddress(InetAddress.getByName(GATEWAY_IP)).listenPort(0)
                        .address(IpPrefix.parse(TUNNEL_GATEWAY + "/24")).handler("ip").admission("allowlist")
                        .peer(new PeerConfig(wgKey, PresharedKey.NONE, List.of(IpPrefix.parse("198.19.0.2/32")),
                                Endpoint.of(InetAddress.getByName(PEER_IP), PEER_PORT), Duration.ZERO))
                        .build());
                try {
                    wg = WireGuardGoPeer.start(lab, host, "wg", keys.privateKey(), "198.19.0.2/24", PEER_PORT);
                } catch (Exception | Error e) {
                    gw.close();
                    throw e;
                }
                wg.setPeer(gw.publicKey().toBase64(), GATEWAY_IP + ":" + gw.localEndpoint().port(), "198.19.0.0/24", 0);
            } catch (Exception | Error e) {
                lab.close();
                throw e;
            }
        }

        SessionEngine engine() {
            return gw.engine();
        }

        EngineCounters counters() {
            return gw.engine().counters();
        }

        InetSocketAddress gatewayAddress() {
            return new InetSocketAddress(GATEWAY_IP, gw.localEndpoint().port());
        }

        InetSocketAddress peerAddress() {
            return new InetSocketAddress(PEER_IP, PEER_PORT);
        }

        void awaitEstablished() throws InterruptedException {
            boolean ok = waitFor(HANDSHAKE_BOUND,
                    () -> engine().peer(wgKey).orElseThrow().state() == SessionState.ESTABLISHED);
            assertThat(ok).as("Postern's handshake with wireguard-go within %s: %s, drops %s", HANDSHAKE_BOUND,
                    engine().peer(wgKey), counters().drops()).isTrue();
        }

        /** Pings Postern's tunnel address from wireguard-go's side, one at a time, until a reply or the bound. */
        boolean pingUntilReply() {
            long deadline = System.nanoTime() + HANDSHAKE_BOUND.toNanos();
            while (System.nanoTime() < deadline) {
                if (wg.ping(TUNNEL_GATEWAY, 1, Duration.ofMillis(100), Duration.ofSeconds(1)) == 1) {
                    return true;
                }
            }
            return false;
        }

        /**
         * wireguard-go's verbose log says it received a cookie reply from Postern and none failed to
         * open (receive.go logs both before and after ConsumeReply).
         */
        void assertWireGuardGoTookOurCookie() throws IOException {
            List<String> lines = wgLog().lines().filter(line -> line.contains("cookie response")).toList();
            assertThat(lines.stream().filter(line -> line.contains("Receiving cookie response from " + GATEWAY_IP + ":"))
                    .count()).as("cookie replies from Postern in wireguard-go's log").isPositive();
            assertThat(lines.stream().filter(line -> line.contains("Could not decrypt invalid cookie response")))
                    .as("cookie replies wireguard-go could not open").isEmpty();
        }

        /** @return wireguard-go's log (LOG_LEVEL=verbose), written by the lab into its directory */
        String wgLog() throws IOException {
            try (Stream<Path> files = Files.list(lab.dir())) {
                StringBuilder all = new StringBuilder();
                for (Path p : files.filter(p -> p.getFileName().toString().startsWith(host + "-")
                        && p.getFileName().toString().endsWith(".log")).toList()) {
                    all.append(Files.readString(p));
                }
                return all.toString();
            }
        }

        @Override
        public void close() throws Exception {
            try {
                wg.kill();
                gw.close();
            } finally {
                lab.close();
            }
        }
    }

    private static boolean waitFor(Duration bound, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return condition.getAsBoolean();
    }

    /** A complete initiation from a fresh, unknown key to {@code target}: valid mac1, mac2 zeros. */
    private static byte[] initiationTo(PublicKey target) {
        CryptoProvider crypto = plugin(CryptoProvider.class, "bouncycastle");
        HandshakeProtocolFactory handshakes = plugin(HandshakeProtocolFactory.class, "noise-ikpsk2");
        HandshakeResult<HandshakeProtocol.InitiatorHandshake> r = handshakes.create(crypto,
                crypto.x25519().generateKeyPair()).initiate(target, PresharedKey.NONE, 1, Tai64n.of(Instant.now()), null);
        HandshakeProtocol.InitiatorHandshake h = ((HandshakeResult.Success<HandshakeProtocol.InitiatorHandshake>) r).value();
        byte[] message = h.message().clone();
        h.destroy();
        return message;
    }

    private static <T> T plugin(Class<T> type, String name) {
        CookieInteropIT.class.getModule().addUses(type);
        for (T p : ServiceLoader.load(type, CookieInteropIT.class.getClassLoader())) {
            String n = p instanceof CryptoProvider c ? c.name() : ((HandshakeProtocolFactory) p).name();
            if (n.equals(name)) {
                return p;
            }
        }
        throw new IllegalStateException("no " + type.getSimpleName() + " named " + name);
    }

    /**
     * The same initiation sent from {@link #FLOOD_IP} in bursts of {@link #BURST} every
     * {@link #PAUSE} (fewer than the 1,024 a handshake queue holds, so the legitimate peer's messages
     * still find room), for at most {@link #LIMIT}; it counts the cookie replies that come back.
     */
    private static final class Flood implements AutoCloseable {
        static final int BURST = 600;
        static final Duration PAUSE = Duration.ofMillis(60);
        static final Duration LIMIT = Duration.ofSeconds(45);

        private final DatagramChannel channel;
        private final Thread thread;
        private final AtomicLong sent = new AtomicLong();
        private final AtomicLong cookieReplies = new AtomicLong();
        private volatile boolean stop;

        Flood(InetSocketAddress target, byte[] initiation) throws IOException {
            channel = DatagramChannel.open();
            channel.bind(new InetSocketAddress(FLOOD_IP, 0));
            thread = Thread.ofPlatform().daemon().name("cookie-flood").start(() -> run(target, initiation));
        }

        private void run(InetSocketAddress target, byte[] initiation) {
            ByteBuffer out = ByteBuffer.wrap(initiation);
            ByteBuffer in = ByteBuffer.allocate(256);
            long end = System.nanoTime() + LIMIT.toNanos();
            try {
                while (!stop && System.nanoTime() < end) {
                    channel.configureBlocking(true);
                    for (int i = 0; i < BURST && !stop; i++) {
                        out.rewind();
                        channel.send(out, target);
                    }
                    sent.addAndGet(BURST);
                    channel.configureBlocking(false);
                    while (true) {
                        in.clear();
                        if (channel.receive(in) == null) {
                            break;
                        }
                        if (in.position() == 64 && in.get(0) == 3) {
                            cookieReplies.incrementAndGet();
                        }
                    }
                    Thread.sleep(PAUSE);
                }
            } catch (IOException e) {
                if (!stop) {
                    throw new UncheckedIOException(e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Waits for the first cookie reply to the flood: the target is under load. */
        void awaitLoad(Duration bound) throws InterruptedException {
            boolean loaded = waitFor(bound, () -> cookieReplies.get() > 0);
            assertThat(loaded).as("the target under load within %s (%d initiations sent)", bound, sent.get()).isTrue();
        }

        @Override
        public void close() throws Exception {
            stop = true;
            thread.join(Duration.ofSeconds(5));
            channel.close();
            System.out.printf("CookieInteropIT flood: %d initiations sent, %d cookie replies back%n", sent.get(),
                    cookieReplies.get());
        }
    }
}
