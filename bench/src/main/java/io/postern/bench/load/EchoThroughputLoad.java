package io.postern.bench.load;

import io.postern.bench.Engines;
import io.postern.engine.SessionEngine;
import io.postern.gateway.NodeConfig;
import io.postern.gateway.PosternNode;
import io.postern.net.Endpoint;
import io.postern.spi.Transport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Echo throughput of 1200-byte payloads, packets per second, in one run:
 * <ol>
 *   <li>raw UDP echo (baseline): a plain DatagramChannel echo on one receive thread;</li>
 *   <li>the gateway: {@link PosternNode} with the {@code echo} handler and its {@code udp} transport;</li>
 *   <li>scaling: raw UDP echo and the gateway engine on {@link ReusePortTransport} with 1 and with 2
 *       receive threads ({@code SO_REUSEPORT}).</li>
 * </ol>
 * The load comes from C clients (real peer engines for the gateway, plain channels for the raw
 * echo) on one {@link SelectorLoop} thread, each keeping W datagrams in flight (closed loop: every
 * echo received sends the next). Clients and servers share the machine's cores, so the client's own
 * crypto weighs on the gateway figures: they are a lower bound of what the gateway alone could do.
 *
 * <p>Arguments: {@code seconds cryptoProvider} per configuration (defaults 3 bouncycastle).
 */
public final class EchoThroughputLoad {
    private static final int SIZE = 1200;
    private static final int CLIENTS = 8;
    private static final int WINDOW = 16;

    private EchoThroughputLoad() {}

    public static void main(String[] args) throws Exception {
        BenchLogging.quiet();
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        String provider = args.length > 1 ? args[1] : "bouncycastle";
        InetAddress loopback = InetAddress.getLoopbackAddress();
        System.out.printf(Locale.ROOT, "echo throughput: %d-byte payloads, %d clients × %d in flight, %d s each,"
                + " provider %s%n", SIZE, CLIENTS, WINDOW, seconds, provider);
        System.out.println("| configuration | receive threads | echoes/s | ÷ raw UDP, same threads |");
        System.out.println("|---|---:|---:|---:|");
        double raw1 = rawEcho(loopback, 1, seconds);
        row("raw UDP echo (baseline)", 1, raw1, raw1);
        double node = gatewayEcho(loopback, provider, seconds, null);
        row("gateway (PosternNode, udp transport, echo)", 1, node, raw1);
        double raw2 = rawEcho(loopback, 2, seconds);
        row("raw UDP echo, SO_REUSEPORT", 2, raw2, raw2);
        double engine1 = gatewayEcho(loopback, provider, seconds, 1);
        row("gateway engine, SO_REUSEPORT transport", 1, engine1, raw1);
        double engine2 = gatewayEcho(loopback, provider, seconds, 2);
        row("gateway engine, SO_REUSEPORT transport", 2, engine2, raw2);
        System.out.printf(Locale.ROOT, "ratio gateway ÷ raw UDP: %.2f (target ≥ 0.8: %s); 2 threads ÷ 1 thread:"
                        + " raw %.2f, gateway engine %.2f%n", node / raw1, node / raw1 >= 0.8 ? "met" : "MISSED",
                raw2 / raw1, engine2 / engine1);
    }

    private static void row(String name, int threads, double pps, double baseline) {
        System.out.printf(Locale.ROOT, "| %s | %d | %,.0f | %.2f |%n", name, threads, pps, pps / baseline);
    }

    private static double rawEcho(InetAddress loopback, int threads, int seconds) throws Exception {
        return rawEcho(new ReusePortTransport(new InetSocketAddress(loopback, 0), threads), loopback, seconds);
    }

    /** @return echoes/s of a plain echo on {@code server} (closed here), no crypto */
    static double rawEcho(Transport server, InetAddress loopback, int seconds) throws Exception {
        server.start((source, buffer, offset, length) -> server.send(source, buffer, offset, length));
        LongAdder echoes = new LongAdder();
        List<DatagramChannel> clients = new ArrayList<>();
        try (SelectorLoop loop = new SelectorLoop("raw-clients-rx")) {
            ByteBuffer payload = ByteBuffer.allocateDirect(SIZE);
            for (int i = 0; i < CLIENTS; i++) {
                DatagramChannel c = DatagramChannel.open().bind(new InetSocketAddress(loopback, 0));
                clients.add(c);
                InetSocketAddress to = server.localEndpoint().address();
                loop.register(c, (source, buffer, offset, length) -> {
                    echoes.increment();
                    try {
                        c.send(ByteBuffer.wrap(buffer, offset, length), to);
                    } catch (IOException e) {
                        // a lost datagram: the window shrinks by one
                    }
                });
                for (int w = 0; w < WINDOW; w++) {
                    c.send(payload.duplicate(), to);
                }
            }
            return measure(echoes, seconds);
        } finally {
            for (DatagramChannel c : clients) {
                c.close();
            }
            server.close();
        }
    }

    /** @param threads null: PosternNode with the product's udp transport; else the engine on ReusePortTransport */
    private static double gatewayEcho(InetAddress loopback, String provider, int seconds, Integer threads)
            throws Exception {
        return gatewayEcho(loopback, provider, seconds, threads, NodeConfig.DEFAULT_TRANSPORT);
    }

    /**
     * As above; a {@link PosternNode} ({@code threads} null) uses the transport named {@code transportName}
     * ({@code udp-portable}: {@code udp} with {@code [Plugin.udp] Batched = false}, the portable implementation
     * that plain {@code udp} no longer binds on Linux).
     */
    static double gatewayEcho(InetAddress loopback, String provider, int seconds, Integer threads, String transportName)
            throws Exception {
        ClassPathPlugins plugins = new ClassPathPlugins(provider);
        AutoCloseable gateway;
        io.postern.key.PublicKey gatewayKey;
        int port;
        if (threads == null) {
            NodeConfig.Builder config = NodeConfig.builder(plugins.crypto.x25519().generateKeyPair()
                    .privateKey()).listenAddress(loopback).listenPort(0).admission("open").handler("echo")
                    .cryptoProvider(provider);
            if (transportName.equals("udp-portable")) {
                config.transport("udp").pluginSettings(io.postern.spi.PluginConfig.of("udp", "bench", 1,
                        List.of(new io.postern.spi.PluginConfig.Setting("Batched", "false", 2))));
            } else {
                config.transport(transportName);
            }
            PosternNode node = PosternNode.start(config.build());
            gateway = node;
            gatewayKey = node.publicKey();
            port = node.localEndpoint().port();
        } else {
            SessionEngine engine = Engines.create(provider, "open", Engines.handler("echo"));
            Transport transport = new ReusePortTransport(new InetSocketAddress(loopback, 0), threads);
            engine.start(transport);
            gateway = () -> {
                transport.close();
                engine.close();
            };
            gatewayKey = engine.publicKey();
            port = transport.localEndpoint().port();
        }
        LongAdder echoes = new LongAdder();
        byte[] payload = new byte[SIZE];
        List<LoadPeer> peers = new ArrayList<>();
        try (gateway; SelectorLoop loop = new SelectorLoop("peer-clients-rx")) {
            Endpoint at = Endpoint.of(loopback, port);
            for (int i = 0; i < CLIENTS; i++) {
                LoadPeer[] self = new LoadPeer[1];
                LoadPeer p = LoadPeer.start(plugins, loop, new InetSocketAddress(loopback, 0), gatewayKey, at,
                        () -> {}, () -> {
                            echoes.increment();
                            self[0].connect(payload);
                        });
                self[0] = p;
                peers.add(p);
                p.connect(payload);
                for (int attempt = 0; !p.echoed.await(2, TimeUnit.SECONDS); attempt++) {
                    if (attempt == 5) {
                        throw new IllegalStateException("client " + i + " did not connect");
                    }
                    p.connect(payload); // a lost handshake message: the engine re-initiates for staged data
                }
            }
            for (LoadPeer p : peers) {
                for (int w = 1; w < WINDOW; w++) {
                    p.connect(payload);
                }
            }
            return measure(echoes, seconds);
        } finally {
            for (LoadPeer p : peers) {
                p.close();
            }
        }
    }

    /** @return echoes per second over {@code seconds}, after one second of warm-up */
    private static double measure(LongAdder echoes, int seconds) throws InterruptedException {
        Thread.sleep(1000);
        long before = echoes.sum();
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long n = echoes.sum() - before;
        return n * 1e9 / (System.nanoTime() - t0);
    }
}
