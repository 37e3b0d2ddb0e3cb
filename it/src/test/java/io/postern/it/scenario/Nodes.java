package io.postern.it.scenario;

import io.postern.engine.PeerConfig;
import io.postern.gateway.NodeConfig;
import io.postern.gateway.PosternNode;
import io.postern.key.PrivateKey;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Starts gateways and peers on 127.0.0.1 and closes every one of them, newest first, when the test
 * ends — whether it passed or not. One per test (create in {@code @BeforeEach}, close in
 * {@code @AfterEach}).
 */
final class Nodes implements AutoCloseable {
    /** Every node binds here: tests send only on loopback. */
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Deque<AutoCloseable> open = new ArrayDeque<>();

    /** @return a fresh random static private key */
    static PrivateKey freshKey() {
        byte[] k = new byte[PrivateKey.LENGTH];
        RANDOM.nextBytes(k);
        return PrivateKey.of(k);
    }

    /** @return a gateway config: open admission, echo handler, the given policy, loopback, any port */
    static NodeConfig.Builder gatewayConfig(PrivateKey key, String policy) {
        return NodeConfig.builder(key).listenAddress(LOOPBACK).listenPort(0)
                .admission("open").handler("echo").sessionPolicy(policy);
    }

    /** Starts a node and registers it to be closed. */
    PosternNode start(NodeConfig config) {
        try {
            PosternNode node = PosternNode.start(config);
            open.push(node);
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start node on port " + config.listenPort(), e);
        }
    }

    /**
     * Starts a Java peer: allowlist admission with the gateway as its only {@code [Peer]}, a
     * capturing handler, bound to 127.0.0.1:{@code port} (0 for any).
     */
    TestPeer peer(PublicKey gatewayKey, Endpoint gatewayEndpoint, int port) {
        CapturingHandler handler = new CapturingHandler();
        PosternNode node = start(NodeConfig.builder(freshKey()).listenAddress(LOOPBACK).listenPort(port)
                .admission("allowlist").peer(PeerConfig.of(gatewayKey, gatewayEndpoint)).handler(handler).build());
        return new TestPeer(node, gatewayKey, handler);
    }

    /** Registers anything else to close with the nodes (relays, sockets). */
    <T extends AutoCloseable> T closeLater(T resource) {
        open.push(resource);
        return resource;
    }

    /** @return the endpoint peers on this machine use to reach {@code node} */
    static Endpoint loopbackEndpointOf(PosternNode node) {
        return Endpoint.of(LOOPBACK, node.localEndpoint().port());
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        while (!open.isEmpty()) {
            try {
                open.pop().close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing test nodes failed");
                }
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
