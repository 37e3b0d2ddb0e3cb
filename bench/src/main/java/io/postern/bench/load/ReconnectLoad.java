package io.postern.bench.load;

import io.postern.engine.EngineCounters;
import io.postern.gateway.NodeConfig;
import io.postern.gateway.PosternNode;
import io.postern.net.Endpoint;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Reconnect latency after a peer restart with a new key from the same IP:port, with N live sessions.
 *
 * <p>The gateway is started in-process through {@link PosternNode} (open admission, {@code echo}
 * handler, {@code reset-on-identity-change}, its own {@code udp} transport and timer thread). The
 * N peers are real {@link io.postern.engine.SessionEngine}s, one per identity and UDP port, sharing
 * one {@link SelectorLoop} receive thread and one ticker thread. Each connects by sending a payload
 * (staged, initiation, response, payload, echo). Then, R times, a random peer "crashes" (socket and
 * engine closed), a new peer with a new key binds the same port and connects; the time from its
 * first datagram (the initiation) to the first echoed payload goes into an HdrHistogram (µs), after
 * {@value #WARMUP_RESTARTS} unrecorded warm-up restarts. Baseline in the same run, with the N
 * sessions live: one round trip of a plain DatagramChannel echo on loopback just before each restart.
 *
 * <p>Arguments: {@code sessions restarts cryptoProvider} (defaults 10000 1000 bouncycastle).
 */
public final class ReconnectLoad {
    private static final byte[] PAYLOAD = new byte[64];
    /** Handshakes in flight while the N sessions are set up. */
    private static final int WINDOW = 64;
    /** Restarts before the measured ones (not recorded), so the JIT has compiled the handshake path. */
    static final int WARMUP_RESTARTS = 300;

    private ReconnectLoad() {}

    public static void main(String[] args) throws Exception {
        BenchLogging.quiet();
        int sessions = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int restarts = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        String provider = args.length > 2 ? args[2] : "bouncycastle";
        run(sessions, restarts, provider).print();
    }

    /** What one run measured. */
    record Result(int sessions, int restarts, String provider, Histogram reconnect, Histogram udpRoundTrip,
                  long setupMillis, long timeouts, long resent, long evicted, int gatewayPeers) {
        void print() {
            System.out.printf(Locale.ROOT, "reconnect: %d restarts (+%d warm-up), %d live sessions, provider %s,"
                            + " setup %.1f s, timeouts %d, payloads sent again %d, gateway peers %d,"
                            + " stale sessions evicted %d%n",
                    restarts, WARMUP_RESTARTS, sessions, provider, setupMillis / 1000.0, timeouts, resent,
                    gatewayPeers, evicted);
            System.out.println("| measure | median µs | p99 µs | max µs | count |");
            System.out.println("|---|---:|---:|---:|---:|");
            row("raw UDP echo round trip, 64 B (baseline)", udpRoundTrip);
            row("reconnect: initiation sent → first echo received", reconnect);
            System.out.printf(Locale.ROOT, "ratio reconnect ÷ UDP round trip: median %.1f, p99 %.1f;"
                            + " target p99 < 5000 µs: %s%n",
                    ratio(reconnect, udpRoundTrip, 50), ratio(reconnect, udpRoundTrip, 99),
                    reconnect.getValueAtPercentile(99) < 5000 ? "met" : "MISSED");
        }

        private static void row(String name, Histogram h) {
            System.out.printf(Locale.ROOT, "| %s | %d | %d | %d | %d |%n", name, h.getValueAtPercentile(50),
                    h.getValueAtPercentile(99), h.getMaxValue(), h.getTotalCount());
        }

        private static double ratio(Histogram a, Histogram b, double percentile) {
            return (double) a.getValueAtPercentile(percentile) / Math.max(1, b.getValueAtPercentile(percentile));
        }
    }

    static Result run(int sessions, int restarts, String provider) throws Exception {
        ClassPathPlugins plugins = new ClassPathPlugins(provider);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        NodeConfig config = NodeConfig.builder(plugins.crypto.x25519().generateKeyPair().privateKey())
                .listenAddress(loopback).listenPort(0).admission("open").handler("echo")
                .cryptoProvider(provider).build();
        LoadPeer[] peers = new LoadPeer[sessions];
        try (PosternNode gateway = PosternNode.start(config);
             SelectorLoop loop = new SelectorLoop("load-peers-rx");
             PeerTicker ticker = new PeerTicker(peers);
             UdpEchoBaseline baseline = new UdpEchoBaseline()) {
            Endpoint gatewayEndpoint = Endpoint.of(loopback, gateway.localEndpoint().port());

            // 1. N live sessions, at most WINDOW handshakes in flight
            long setupStart = System.nanoTime();
            Semaphore window = new Semaphore(WINDOW);
            for (int i = 0; i < sessions; i++) {
                window.acquire();
                peers[i] = LoadPeer.start(plugins, loop, new InetSocketAddress(loopback, 0), gateway.publicKey(),
                        gatewayEndpoint, window::release);
                peers[i].connect(PAYLOAD);
            }
            long resent = 0;
            for (LoadPeer p : peers) {
                resent += awaitEcho(p, 15);
                if (p.echoed.getCount() > 0) {
                    throw new IllegalStateException("peer on port " + p.port() + " never connected: "
                            + p.engine.peers() + " peer counters " + p.engine.counters() + " transport errors "
                            + p.transport.errors() + "; gateway " + gateway.engine().counters());
                }
            }
            long setupMillis = (System.nanoTime() - setupStart) / 1_000_000;

            // 2. restarts: a random peer crashes, a new key binds its port and reconnects; before each,
            //    one baseline round trip, so baseline and reconnects see the same machine load
            baseline.roundTrips(2_000, PAYLOAD.length); // warm-up
            UdpEchoBaseline.Client udpClient = baseline.client(PAYLOAD.length);
            Histogram udp = new Histogram(60_000_000L, 3);
            Histogram reconnect = new Histogram(60_000_000L, 3);
            SplittableRandom random = new SplittableRandom(8);
            long timeouts = 0;
            for (int r = -WARMUP_RESTARTS; r < restarts; r++) {
                long udpMicros = udpClient.roundTripMicros();
                int i = random.nextInt(sessions);
                LoadPeer old = peers[i];
                int port = old.port();
                old.close();
                LoadPeer fresh = LoadPeer.start(plugins, loop, new InetSocketAddress(loopback, port),
                        gateway.publicKey(), gatewayEndpoint, () -> {});
                peers[i] = fresh;
                fresh.connect(PAYLOAD);
                resent += awaitEcho(fresh, 4);
                if (r < 0) {
                    continue; // warm-up: not recorded
                }
                udp.recordValue(udpMicros);
                if (fresh.echoed.getCount() == 0) {
                    reconnect.recordValue(Math.max(1, fresh.reconnectMicros()));
                } else {
                    timeouts++;
                }
            }
            udpClient.close();
            EngineCounters counters = gateway.engine().counters();
            return new Result(sessions, restarts, provider, reconnect, udp, setupMillis, timeouts, resent,
                    counters.staleSessionsEvicted(), gateway.engine().peerCount());
        } finally {
            for (LoadPeer p : peers) {
                if (p != null) {
                    p.close();
                }
            }
        }
    }

    /**
     * Waits for {@code peer}'s first echo, sending the payload again every 2 s (UDP may lose it, and
     * nothing in the protocol resends data: an application would), at most {@code attempts} times.
     *
     * @return how many times the payload was sent again
     */
    private static int awaitEcho(LoadPeer peer, int attempts) throws InterruptedException {
        for (int i = 0; i < attempts; i++) {
            if (peer.echoed.await(2, TimeUnit.SECONDS)) {
                return i;
            }
            peer.connect(PAYLOAD);
        }
        return attempts;
    }

    /** Ticks every peer engine (handshake retries, keepalives) from one thread, every 250 ms. */
    static final class PeerTicker implements AutoCloseable {
        private final Thread thread;
        private volatile boolean running = true;

        PeerTicker(LoadPeer[] peers) {
            thread = Thread.ofPlatform().name("load-peers-ticker").daemon(true).start(() -> {
                while (running) {
                    for (LoadPeer p : peers) {
                        if (p != null) {
                            p.engine.tick();
                        }
                    }
                    try {
                        Thread.sleep(250);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        @Override
        public void close() {
            running = false;
            thread.interrupt();
        }
    }
}
