package io.postern.bench.load;

import io.postern.engine.PeerConfig;
import io.postern.gateway.NodeConfig;
import io.postern.gateway.PosternNode;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.spi.HandlerContext;
import io.postern.spi.PacketHandler;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Echo throughput over the {@code udp} and the {@code tcp} transport in one run, same everything
 * else: one gateway ({@link PosternNode}, {@code Transport = udp, tcp}, echo handler) and C client
 * nodes (real engines, each on the transport measured), each keeping W payloads of 1200 bytes in
 * flight (closed loop: every echo received sends the next). Prints echoes/s per transport and the
 * ratio tcp ÷ udp. Clients share the machine's cores with the gateway.
 *
 * <p>Arguments: {@code seconds cryptoProvider rounds} (defaults 3 bouncycastle 2): the transports
 * alternate {@code rounds} times (udp, tcp, udp, tcp...) so a change of machine load shows.
 */
public final class TcpEchoLoad {
    private static final int SIZE = 1200;
    private static final int CLIENTS = 4;
    private static final int WINDOW = 16;

    private TcpEchoLoad() {}

    public static void main(String[] args) throws Exception {
        BenchLogging.quiet();
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        String provider = args.length > 1 ? args[1] : "bouncycastle";
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        InetAddress loopback = InetAddress.getLoopbackAddress();
        ClassPathPlugins plugins = new ClassPathPlugins(provider);
        System.out.printf(Locale.ROOT, "echo throughput by transport: %d-byte payloads, %d clients × %d in flight, "
                + "%d s each, provider %s%n", SIZE, CLIENTS, WINDOW, seconds, provider);
        System.out.println("| round | transport | echoes/s | tcp ÷ udp |");
        System.out.println("|---:|---|---:|---:|");
        try (PosternNode gateway = PosternNode.start(NodeConfig.builder(plugins.crypto.x25519().generateKeyPair()
                .privateKey()).listenAddress(loopback).listenPort(0).transport("udp, tcp").admission("open")
                .handler("echo").cryptoProvider(provider).build())) {
            for (int round = 1; round <= rounds; round++) {
                double udp = run(gateway, "udp", plugins, provider, seconds);
                System.out.printf(Locale.ROOT, "| %d | udp | %,.0f | |%n", round, udp);
                double tcp = run(gateway, "tcp", plugins, provider, seconds);
                System.out.printf(Locale.ROOT, "| %d | tcp | %,.0f | %.2f |%n", round, tcp, tcp / udp);
            }
        }
    }

    private static double run(PosternNode gateway, String transport, ClassPathPlugins plugins, String provider,
                              int seconds) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        Endpoint at = Endpoint.of(transport, loopback, gateway.localEndpoint(transport).port());
        LongAdder echoes = new LongAdder();
        byte[] payload = new byte[SIZE];
        List<PosternNode> clients = new ArrayList<>();
        try {
            for (int i = 0; i < CLIENTS; i++) {
                CountDownLatch first = new CountDownLatch(1);
                PosternNode[] self = new PosternNode[1];
                PublicKey gw = gateway.publicKey();
                PacketHandler loop = new PacketHandler() {
                    @Override
                    public String name() {
                        return "closed-loop";
                    }

                    @Override
                    public String description() {
                        return "sends the next payload for every echo";
                    }

                    @Override
                    public void onPacket(PublicKey peer, byte[] buffer, int offset, int length, HandlerContext context) {
                        echoes.increment();
                        first.countDown();
                        self[0].engine().send(gw, payload, 0, payload.length);
                    }
                };
                PosternNode c = PosternNode.start(NodeConfig.builder(plugins.crypto.x25519().generateKeyPair().privateKey())
                        .listenAddress(loopback).listenPort(0).transport(transport).cryptoProvider(provider)
                        .peer(PeerConfig.of(gw, at)).handler(loop).build());
                self[0] = c;
                clients.add(c);
                for (int attempt = 0; attempt < 5; attempt++) {
                    c.engine().send(gw, payload, 0, payload.length);
                    if (first.await(2, TimeUnit.SECONDS)) {
                        break;
                    }
                }
                if (first.getCount() != 0) {
                    throw new IllegalStateException("client " + i + " over " + transport + " did not connect");
                }
                for (int w = 1; w < WINDOW; w++) {
                    c.engine().send(gw, payload, 0, payload.length);
                }
            }
            Thread.sleep(1000); // warm-up
            long start = System.nanoTime();
            long before = echoes.sum();
            Thread.sleep(seconds * 1000L);
            return (echoes.sum() - before) / ((System.nanoTime() - start) / 1e9);
        } finally {
            clients.forEach(PosternNode::close);
        }
    }
}
