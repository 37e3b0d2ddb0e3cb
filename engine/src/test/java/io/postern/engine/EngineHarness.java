package io.postern.engine;

import io.postern.spi.GatewayEvent;
import io.postern.key.StaticKeyPair;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.spi.Admission;
import io.postern.spi.PolicyDecision;
import io.postern.spi.SessionPolicy;
import io.postern.spi.Transport;
import io.postern.spi.crypto.CryptoProvider;
import io.postern.spi.crypto.HandshakeProtocolFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Engines with the real crypto providers, connected by a {@link LoopbackNetwork}, on one fake
 * clock. Time moves only when a test calls {@link #advance}; datagrams move only on {@link #deliver}.
 */
final class EngineHarness implements AutoCloseable {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final Endpoint GATEWAY = endpoint(51820);
    static final Endpoint CLIENT_A = endpoint(40000);

    private static final CryptoProvider REAL = RealCrypto.provider();
    private static final HandshakeProtocolFactory HANDSHAKES = RealCrypto.handshakes();

    /** The wall clock (TAI64N, events); {@link #advance} moves it with {@link #ticker}, {@link #stepWallClock} alone. */
    final MutableClock clock = new MutableClock(T0);
    /** Monotonic nanoseconds: every engine's protocol time. */
    final java.util.concurrent.atomic.AtomicLong ticker = new java.util.concurrent.atomic.AtomicLong(7_000_000_000L);
    final LoopbackNetwork net = new LoopbackNetwork();
    private final List<Node> nodes = new ArrayList<>();

    static Endpoint endpoint(int port) {
        return Endpoint.of(InetAddress.getLoopbackAddress(), port);
    }

    static StaticKeyPair newKeys() {
        return REAL.x25519().generateKeyPair();
    }

    /** The settings of every harness engine: no engine threads at all (time and handshakes move with the test). */
    static final EngineSettings DETERMINISTIC = EngineSettings.defaults().withoutTimerThread().withInlineHandshakes()
            .withPolicyBudget(Duration.ofSeconds(30)); // policies answer at once; a loaded machine must not make that a fault

    /** One engine with its transport, handler, spying crypto and recorded events. */
    final class Node {
        final StaticKeyPair keys;
        final Endpoint endpoint;
        final SpyingCryptoProvider crypto = new SpyingCryptoProvider(REAL);
        final SpyingHandshakes handshakes = new SpyingHandshakes(HANDSHAKES);
        final CapturingHandler handler;
        final SessionPolicy policy;
        final List<GatewayEvent> events = new CopyOnWriteArrayList<>();
        final SessionEngine engine;
        final Transport transport;

        Node(StaticKeyPair keys, Endpoint endpoint, SessionPolicy policy, OnPolicyFault fallback, Admission admission,
             boolean echo) {
            this(keys, endpoint, policy, fallback, admission, echo, DETERMINISTIC);
        }

        Node(StaticKeyPair keys, Endpoint endpoint, SessionPolicy policy, OnPolicyFault fallback, Admission admission,
             boolean echo, EngineSettings settings) {
            this(keys, endpoint, policy, fallback, admission, echo, settings, clock);
        }

        /** A node with a wall clock of its own (protocol time is still the harness's ticker). */
        Node(StaticKeyPair keys, Endpoint endpoint, SessionPolicy policy, OnPolicyFault fallback, Admission admission,
             boolean echo, EngineSettings settings, java.time.Clock wall) {
            this.keys = keys;
            this.endpoint = endpoint;
            this.handler = new CapturingHandler(echo);
            this.policy = policy;
            this.engine = new SessionEngine(keys, new EngineServices(crypto, handshakes, policy, fallback, admission,
                    handler), wall, ticker::get, settings);
            engine.addListener(events::add);
            this.transport = net.bind(endpoint);
            engine.start(transport);
        }

        PublicKey key() {
            return keys.publicKey();
        }

        boolean send(Node to, String text) {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            return engine.send(to.key(), b, 0, b.length);
        }

        PeerStatus status(Node of) {
            return engine.peer(of.key()).orElseThrow(() -> new AssertionError("no peer " + of.key()));
        }

        <E extends GatewayEvent> List<E> events(Class<E> type) {
            return events.stream().filter(type::isInstance).map(type::cast).toList();
        }

        /** Crashes: the engine and its transport go away. */
        void stop() {
            engine.close();
            transport.close();
            nodes.remove(this);
        }
    }

    /** A gateway at {@link #GATEWAY}: open admission, echo handler. */
    Node gateway(SessionPolicy policy) {
        return gateway(newKeys(), policy, OnPolicyFault.RESET_ON_IDENTITY_CHANGE, true);
    }

    /** A gateway at {@link #GATEWAY} with a wall clock of its own: open admission, echo handler, reset policy. */
    Node gateway(java.time.Clock wall) {
        FixedPolicy reset = new FixedPolicy(PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION);
        return add(new Node(newKeys(), GATEWAY, reset, OnPolicyFault.RESET_ON_IDENTITY_CHANGE, TestAdmission.OPEN, true, DETERMINISTIC, wall));
    }

    /** A gateway at {@link #GATEWAY} with other limits: open admission, echo handler, reset policy. */
    Node gateway(EngineSettings settings) {
        FixedPolicy reset = new FixedPolicy(PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION);
        return add(new Node(newKeys(), GATEWAY, reset, OnPolicyFault.RESET_ON_IDENTITY_CHANGE, TestAdmission.OPEN, true,
                settings));
    }

    /** Any node with an echo handler. */
    Node node(StaticKeyPair keys, Endpoint at, SessionPolicy policy, OnPolicyFault fallback, Admission admission,
              EngineSettings settings) {
        return add(new Node(keys, at, policy, fallback, admission, true, settings));
    }

    Node gateway(StaticKeyPair keys, SessionPolicy policy, OnPolicyFault fallback, boolean echo) {
        return add(new Node(keys, GATEWAY, policy, fallback, TestAdmission.OPEN, echo));
    }

    /** A client at {@code at} with {@code gateway} configured as its peer. */
    Node client(Endpoint at, Node gateway) {
        return client(newKeys(), at, gateway, Duration.ZERO);
    }

    Node client(StaticKeyPair keys, Endpoint at, Node gateway, Duration persistentKeepalive) {
        Node n = add(new Node(keys, at, new FixedPolicy(PolicyDecision.ACCEPT_AND_KEEP_BOTH),
                OnPolicyFault.KEEP_BOTH, TestAdmission.ALLOWLIST, false));
        n.engine.addOrUpdatePeer(new PeerConfig(gateway.key(), null, List.of(), gateway.endpoint,
                persistentKeepalive));
        return n;
    }

    private Node add(Node n) {
        nodes.add(n);
        return n;
    }

    /** Delivers every queued datagram. */
    int deliver() {
        return net.deliverAll();
    }

    /** Moves the clock by {@code total} in steps of 100 ms, ticking every engine and delivering after each. */
    void advance(Duration total) {
        long steps = total.toMillis() / 100;
        for (long i = 0; i < steps; i++) {
            step(Duration.ofMillis(100));
        }
        long rest = total.toMillis() % 100;
        if (rest > 0) {
            step(Duration.ofMillis(rest));
        }
    }

    /** Moves wall clock and protocol time together without ticking the engines or delivering. */
    void moveTime(Duration d) {
        clock.advance(d);
        ticker.addAndGet(d.toNanos());
    }

    /** Steps only the wall clock (an NTP correction): protocol time stands still. */
    void stepWallClock(Duration d) {
        clock.advance(d);
    }

    private void step(Duration d) {
        clock.advance(d);
        ticker.addAndGet(d.toNanos());
        for (Node n : List.copyOf(nodes)) {
            n.engine.tick();
        }
        deliver();
    }

    /** Client sends a text and the gateway echoes it: a full handshake when there is no session. */
    void establish(Node client, Node gateway) {
        client.send(gateway, "hello");
        deliver();
        if (client.status(gateway).state() != SessionState.ESTABLISHED) {
            throw new AssertionError("no session: " + client.status(gateway));
        }
    }

    @Override
    public void close() {
        for (Node n : List.copyOf(nodes)) {
            n.stop();
        }
    }
}
