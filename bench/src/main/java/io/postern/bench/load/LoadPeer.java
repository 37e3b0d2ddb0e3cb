package io.postern.bench.load;

import io.postern.engine.EngineSettings;
import io.postern.engine.PeerConfig;
import io.postern.engine.SessionEngine;
import io.postern.key.StaticKeyPair;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.spi.HandlerContext;
import io.postern.spi.PacketHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;

/**
 * One simulated peer: a real {@link SessionEngine} (initiator, fresh static key, no timer thread of
 * its own, handshakes processed inline on the selector thread) on its own UDP port, receiving through the shared {@link SelectorLoop}. It counts down
 * a latch on the first echoed payload.
 */
final class LoadPeer implements AutoCloseable {
    final SessionEngine engine;
    final SelectorTransport transport;
    final PublicKey gateway;
    final CountDownLatch echoed = new CountDownLatch(1);
    private final Runnable onFirstEcho;
    private volatile long firstEchoNanos;

    private LoadPeer(SessionEngine engine, SelectorTransport transport, PublicKey gateway, Runnable onFirstEcho) {
        this.engine = engine;
        this.transport = transport;
        this.gateway = gateway;
        this.onFirstEcho = onFirstEcho;
    }

    /**
     * A new peer with a new key bound to {@code local} (port 0: any free port), configured with the
     * gateway at {@code gatewayEndpoint}; nothing is sent until {@link #connect}.
     */
    static LoadPeer start(ClassPathPlugins plugins, SelectorLoop loop, InetSocketAddress local, PublicKey gateway,
                          Endpoint gatewayEndpoint, Runnable onFirstEcho) throws IOException {
        return start(plugins, loop, local, gateway, gatewayEndpoint, onFirstEcho, () -> {});
    }

    /** As above; {@code onEcho} runs on every echo received (on the selector thread). */
    static LoadPeer start(ClassPathPlugins plugins, SelectorLoop loop, InetSocketAddress local, PublicKey gateway,
                          Endpoint gatewayEndpoint, Runnable onFirstEcho, Runnable onEcho) throws IOException {
        StaticKeyPair identity = plugins.crypto.x25519().generateKeyPair();
        LoadPeer[] self = new LoadPeer[1];
        PacketHandler handler = new PacketHandler() {
            @Override
            public String name() {
                return "load-peer";
            }

            @Override
            public String description() {
                return "records the first echo";
            }

            @Override
            public void onPacket(PublicKey peer, byte[] buffer, int offset, int length, HandlerContext context) {
                self[0].echo();
                onEcho.run();
            }
        };
        SessionEngine engine = new SessionEngine(identity, plugins.peerServices(handler), Clock.systemUTC(),
                EngineSettings.defaults().withoutTimerThread().withInlineHandshakes());
        engine.addOrUpdatePeer(PeerConfig.of(gateway, gatewayEndpoint));
        SelectorTransport transport = SelectorTransport.bind(loop, local);
        LoadPeer peer = new LoadPeer(engine, transport, gateway, onFirstEcho);
        self[0] = peer;
        engine.start(transport);
        return peer;
    }

    private void echo() {
        if (firstEchoNanos == 0) {
            firstEchoNanos = System.nanoTime();
            echoed.countDown();
            onFirstEcho.run();
        }
    }

    /** Sends {@code payload}: it is staged, a handshake initiation goes out, and the payload follows it. */
    void connect(byte[] payload) {
        engine.send(gateway, payload, 0, payload.length);
    }

    /** @return microseconds from the first datagram sent (the initiation) to the first echo, or -1 */
    long reconnectMicros() {
        long t0 = transport.firstSendNanos();
        long t1 = firstEchoNanos;
        return t0 == 0 || t1 == 0 ? -1 : (t1 - t0) / 1000;
    }

    int port() {
        return transport.localEndpoint().port();
    }

    /** The peer "crashes": socket closed, engine closed (keys zeroed), nothing said to the gateway. */
    @Override
    public void close() {
        transport.close();
        engine.close();
    }
}
