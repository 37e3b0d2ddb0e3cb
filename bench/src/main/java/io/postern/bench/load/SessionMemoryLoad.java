package io.postern.bench.load;

import io.postern.bench.Engines;
import io.postern.bench.MemoryNetwork;
import io.postern.engine.EngineSettings;
import io.postern.engine.PeerConfig;
import io.postern.engine.SessionEngine;
import io.postern.key.PublicKey;
import io.postern.spi.HandlerContext;
import io.postern.spi.PacketHandler;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Clock;
import java.util.Locale;
import javax.management.ObjectName;

/**
 * Heap per idle confirmed session in one gateway engine at N sessions. No sockets: the gateway
 * engine ({@code open} admission, {@code echo} handler) and each peer engine are joined by a
 * {@link MemoryNetwork}; peer i (a fresh key, its own port) sends one payload — initiation,
 * response, payload (key confirmation), echo — and is then closed and dropped, leaving the gateway
 * with one idle confirmed session. Heap used is read from {@link MemoryMXBean} after repeated
 * {@code System.gc()} with an empty gateway, at N/2 and at N sessions; the figure per session is
 * the slope (heap(N) − heap(N/2)) ÷ (N/2), which leaves out fixed costs, and the plain average
 * (heap(N) − heap(0)) ÷ N is shown beside it.
 *
 * <p>Arguments: {@code sessions cryptoProvider} (defaults 100000 bouncycastle).
 */
public final class SessionMemoryLoad {
    private SessionMemoryLoad() {}

    public static void main(String[] args) throws Exception {
        BenchLogging.quiet();
        int sessions = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        String provider = args.length > 1 ? args[1] : "bouncycastle";
        ClassPathPlugins plugins = new ClassPathPlugins(provider);
        PacketHandler ignore = new PacketHandler() {
            @Override
            public String name() {
                return "ignore";
            }

            @Override
            public String description() {
                return "drops the echo";
            }

            @Override
            public void onPacket(PublicKey peer, byte[] buffer, int offset, int length, HandlerContext context) {}
        };
        MemoryNetwork net = new MemoryNetwork();
        MemoryNetwork.Port gatewayPort = net.open();
        SessionEngine gateway = Engines.create(provider, "open", Engines.handler("echo"));
        gateway.start(gatewayPort);
        byte[] payload = new byte[64];
        long t0 = System.nanoTime();
        long heap0 = usedHeapAfterGc();
        long heapHalf = 0;
        for (int i = 1; i <= sessions; i++) {
            MemoryNetwork.Port port = net.open();
            SessionEngine peer = new SessionEngine(plugins.crypto.x25519().generateKeyPair(),
                    plugins.peerServices(ignore), Clock.systemUTC(),
                    EngineSettings.defaults().withoutTimerThread().withInlineHandshakes());
            peer.addOrUpdatePeer(PeerConfig.of(gateway.publicKey(), gatewayPort.localEndpoint()));
            peer.start(port);
            peer.send(gateway.publicKey(), payload, 0, payload.length);
            net.pump();
            peer.close();
            port.close();
            if (i == sessions / 2) {
                heapHalf = usedHeapAfterGc();
            }
        }
        long heapFull = usedHeapAfterGc();
        long confirmed = gateway.counters().sessionsConfirmed();
        if (confirmed != sessions || gateway.peerCount() != sessions) {
            throw new IllegalStateException("expected " + sessions + " confirmed sessions, got " + confirmed
                    + " confirmations and " + gateway.peerCount() + " peers");
        }
        double slope = (heapFull - heapHalf) / (sessions - sessions / 2.0);
        double average = (heapFull - heap0) / (double) sessions;
        System.out.printf(Locale.ROOT, "memory: %d idle confirmed sessions in one gateway engine, provider %s,"
                        + " %.0f s; heap used after GC: empty %,d B, at %d %,d B, at %d %,d B%n", sessions, provider,
                (System.nanoTime() - t0) / 1e9, heap0, sessions / 2, heapHalf, sessions, heapFull);
        System.out.printf(Locale.ROOT, "| heap per idle confirmed session | slope N/2 → N: %,.0f B | average 0 → N: %,.0f B"
                + " | target ≤ 1024 B: %s |%n", slope, average, slope <= 1024 ? "met" : "MISSED");
        if (Boolean.getBoolean("histogram")) {
            printHistogram();
        }
        gateway.close();
    }

    /**
     * Prints the top of the heap histogram (live objects; {@code -Dhistogram.lines=N} lines, default
     * 28) through the JVM's own diagnostic command bean: what {@code jcmd PID GC.class_histogram}
     * prints, without a jcmd process (one attached to its parent JVM here printed and then never
     * exited).
     */
    private static void printHistogram() throws Exception {
        Object out = ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        out.toString().lines().limit(Integer.getInteger("histogram.lines", 28)).forEach(System.out::println);
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
