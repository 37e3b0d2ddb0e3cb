package io.postern.it.scenario;

import io.postern.engine.EngineSettings;
import io.postern.engine.PeerConfig;
import io.postern.engine.SessionEngine;
import io.postern.engine.SessionState;
import io.postern.key.StaticKeyPair;
import io.postern.key.PresharedKey;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.spi.Admission;
import io.postern.spi.DatagramReceiver;
import io.postern.spi.PolicyDecision;
import io.postern.spi.SessionPolicy;
import io.postern.spi.Transport;
import io.postern.spi.crypto.CryptoProvider;
import io.postern.spi.crypto.HandshakeProtocol;
import io.postern.spi.crypto.HandshakeProtocolFactory;
import io.postern.spi.crypto.HandshakeResult;
import io.postern.engine.EngineServices;
import io.postern.wire.Tai64n;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Many light Java peers of one gateway for tests that need a thousand live sessions on two cores:
 * each is a {@link SessionEngine} (client role, the gateway its only configured peer) on its own
 * loopback socket, but all share one receive thread (a {@link Selector}) and one timer thread,
 * instead of the two or three threads a {@link io.postern.gateway.PosternNode} has.
 *
 * <p>The test owns every socket, so {@link #inject} sends from a peer's exact IP:port — the
 * spoofed-source attacker's position — without a relay. Each peer's first initiation and its last
 * transport packets are kept for replay.
 */
final class SharedLoopPeers implements AutoCloseable {
    private static final int KEEP_TRANSPORT = 8;

    /** One peer: its engine, socket, what it received and what it sent. */
    static final class Peer {
        final SessionEngine engine;
        final DatagramChannel channel;
        final Endpoint endpoint;
        final CapturingHandler received;
        private final ArrayDeque<byte[]> transport = new ArrayDeque<>();
        private volatile byte[] firstInitiation;

        Peer(SessionEngine engine, DatagramChannel channel, Endpoint endpoint, CapturingHandler received) {
            this.engine = engine;
            this.channel = channel;
            this.endpoint = endpoint;
            this.received = received;
        }

        /** @return the first handshake initiation it sent */
        byte[] firstInitiation() {
            return firstInitiation;
        }

        /** @return its most recent transport packets (up to 8) */
        synchronized List<byte[]> recentTransport() {
            return List.copyOf(transport);
        }

        private synchronized void sent(byte[] datagram) {
            if (datagram.length > 0 && datagram[0] == 1 && firstInitiation == null) {
                firstInitiation = datagram;
            } else if (datagram.length > 0 && datagram[0] == 4) {
                if (transport.size() == KEEP_TRANSPORT) {
                    transport.removeFirst();
                }
                transport.addLast(datagram);
            }
        }
    }

    private final CryptoProvider crypto;
    private final HandshakeProtocolFactory handshakes;
    private final PublicKey gatewayKey;
    private final Endpoint gateway;
    private final Selector selector;
    private final List<Peer> peers = new ArrayList<>();
    private final Thread receiveThread;
    private final ScheduledExecutorService ticker;
    private final java.net.InetAddress local;

    SharedLoopPeers(PublicKey gatewayKey, Endpoint gateway, int count) {
        this(gatewayKey, gateway, count, Nodes.LOOPBACK);
    }

    /** As {@link #SharedLoopPeers(PublicKey, Endpoint, int)}, the peers' sockets bound to {@code local}. */
    SharedLoopPeers(PublicKey gatewayKey, Endpoint gateway, int count, java.net.InetAddress local) {
        this.local = local;
        this.crypto = plugin(CryptoProvider.class, "bouncycastle");
        this.handshakes = plugin(HandshakeProtocolFactory.class, "noise-ikpsk2");
        this.gatewayKey = gatewayKey;
        this.gateway = gateway;
        try {
            selector = Selector.open();
            for (int i = 0; i < count; i++) {
                peers.add(newPeer());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open peer sockets on loopback", e);
        }
        receiveThread = Thread.ofPlatform().daemon().name("shared-peers-receive").start(this::receive);
        ticker = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                .name("shared-peers-timers").unstarted(r));
        ticker.scheduleAtFixedRate(() -> peers.forEach(p -> p.engine.tick()), 100, 100, TimeUnit.MILLISECONDS);
    }

    /** @return every peer */
    List<Peer> all() {
        return peers;
    }

    /** @return the crypto provider the peers use */
    CryptoProvider crypto() {
        return crypto;
    }

    /**
     * @return a complete initiation to the gateway from a fresh key (valid mac1, mac2 zeros), which
     *         open admission admits
     */
    byte[] freshInitiation() {
        StaticKeyPair k = crypto.x25519().generateKeyPair();
        HandshakeResult<HandshakeProtocol.InitiatorHandshake> r = handshakes.create(crypto, k)
                .initiate(gatewayKey, PresharedKey.NONE, 1, Tai64n.of(java.time.Instant.now()), null);
        HandshakeProtocol.InitiatorHandshake h = ((HandshakeResult.Success<HandshakeProtocol.InitiatorHandshake>) r)
                .value();
        byte[] message = h.message().clone();
        h.destroy();
        return message;
    }

    /** Sends {@code datagram} to the gateway from {@code peer}'s own socket (its exact IP:port). */
    void inject(Peer peer, byte[] datagram) {
        try {
            peer.channel.send(ByteBuffer.wrap(datagram), gateway.address());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return whether {@code peer} has an established session with the gateway */
    boolean established(Peer peer) {
        return peer.engine.peer(gatewayKey).map(s -> s.state() == SessionState.ESTABLISHED).orElse(false);
    }

    /** Sends {@code payload} from {@code peer} to the gateway over its session. */
    boolean send(Peer peer, byte[] payload) {
        return peer.engine.send(gatewayKey, payload, 0, payload.length);
    }

    /** Every peer sends a payload of its own (again every 250 ms while unanswered) until all are echoed. */
    void echoAll(List<Peer> all, String label, Duration within) {
        List<Peer> pending = new ArrayList<>(all);
        Map<Peer, byte[]> payloads = new java.util.HashMap<>();
        Map<Peer, Long> lastSent = new java.util.HashMap<>();
        for (Peer p : all) {
            payloads.put(p, (label + " " + p.endpoint + " " + System.nanoTime()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        long deadline = System.nanoTime() + within.toNanos();
        while (!pending.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(pending.size() + " of " + all.size() + " peers got no echo (" + label
                        + "), e.g. " + pending.getFirst().endpoint);
            }
            long now = System.nanoTime();
            pending.removeIf(p -> {
                byte[] payload = payloads.get(p);
                if (p.received.received(payload)) {
                    return true;
                }
                Long last = lastSent.get(p);
                if (established(p) && (last == null || now - last > 250_000_000L)) {
                    lastSent.put(p, now);
                    send(p, payload);
                }
                return false;
            });
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
        }
    }

    /** @return the gateway's key */
    PublicKey gatewayKey() {
        return gatewayKey;
    }

    private Peer newPeer() throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        ch.bind(new InetSocketAddress(this.local, 0));
        ch.configureBlocking(false);
        Endpoint local = Endpoint.of(this.local, ((InetSocketAddress) ch.getLocalAddress()).getPort());
        CapturingHandler handler = new CapturingHandler();
        SessionPolicy keepBoth = new SessionPolicy() {
            @Override
            public String name() {
                return "keep-both";
            }

            @Override
            public String description() {
                return "test peers keep everything";
            }

            @Override
            public PolicyDecision onIdentityChange(io.postern.spi.IdentityChange change) {
                return PolicyDecision.ACCEPT_AND_KEEP_BOTH;
            }
        };
        Admission allowlist = new Admission() {
            @Override
            public String name() {
                return "allowlist";
            }

            @Override
            public String description() {
                return "configured peers only";
            }

            @Override
            public boolean admits(PublicKey key, boolean configured) {
                return configured;
            }
        };
        SessionEngine engine = new SessionEngine(crypto.x25519().generateKeyPair(),
                new EngineServices(crypto, handshakes, keepBoth, allowlist, handler), Clock.systemUTC(),
                new EngineSettings(Duration.ZERO, 16, 16).withInlineHandshakes());
        engine.addOrUpdatePeer(PeerConfig.of(gatewayKey, gateway));
        Peer peer = new Peer(engine, ch, local, handler);
        ch.register(selector, SelectionKey.OP_READ, peer);
        engine.start(new SocketTransport(peer));
        return peer;
    }

    /** A peer's socket as its engine's transport; the shared thread does the receiving. */
    private record SocketTransport(Peer peer) implements Transport {
        @Override
        public Endpoint localEndpoint() {
            return peer.endpoint;
        }

        @Override
        public void start(DatagramReceiver receiver) {
            // the shared receive thread delivers to the peer's engine
        }

        @Override
        public boolean send(Endpoint to, byte[] buffer, int offset, int length) {
            byte[] copy = java.util.Arrays.copyOfRange(buffer, offset, offset + length);
            peer.sent(copy);
            try {
                return peer.channel.send(ByteBuffer.wrap(copy), to.address()) == length;
            } catch (IOException e) {
                return false;
            }
        }

        @Override
        public void close() {
            // the owner closes the socket
        }
    }

    private void receive() {
        ByteBuffer buf = ByteBuffer.allocate(65_536);
        try {
            while (selector.isOpen()) {
                selector.select(100);
                for (var it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey key = it.next();
                    it.remove();
                    Peer p = (Peer) key.attachment();
                    while (true) {
                        buf.clear();
                        InetSocketAddress from = (InetSocketAddress) p.channel.receive(buf);
                        if (from == null) {
                            break;
                        }
                        p.engine.onDatagram(new Endpoint(from), buf.array(), 0, buf.position());
                    }
                }
            }
        } catch (IOException | ClosedSelectorException e) {
            // closed
        }
    }

    private static <T> T plugin(Class<T> type, String name) {
        SharedLoopPeers.class.getModule().addUses(type);
        for (T p : ServiceLoader.load(type, SharedLoopPeers.class.getClassLoader())) {
            String n = p instanceof CryptoProvider c ? c.name() : ((HandshakeProtocolFactory) p).name();
            if (n.equals(name)) {
                return p;
            }
        }
        throw new IllegalStateException("no " + type.getSimpleName() + " named " + name);
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing
        }
        receiveThread.interrupt();
        for (Peer p : peers) {
            p.engine.close();
            try {
                p.channel.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
