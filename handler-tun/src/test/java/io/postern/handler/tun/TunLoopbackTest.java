package io.postern.handler.tun;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;

import io.postern.key.PublicKey;
import io.postern.net.IpPrefix;
import io.postern.spi.HandlerContext;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A real TUN interface in a private network namespace (the test thread calls
 * {@code unshare(CLONE_NEWNET)}, which moves only that thread; the interface, its reader threads and
 * the {@code ip} commands it runs live there): echo requests "from a peer" go through
 * {@link TunPacketHandler#onPacket} into the kernel, the kernel answers them into the interface, and
 * the reader hands each reply to the peer that routes its destination. Both directions, counted per
 * packet, and without allocation per packet. Needs root (CI runs it; elsewhere it is skipped).
 */
class TunLoopbackTest {
    private static final int CLONE_NEWNET = 0x40000000;
    static final PublicKey PEER = PublicKey.of(new byte[32]);
    private static final int WARM_UP = 32_000; // multiples of BURST
    /** Measured rounds: JIT recompilation can allocate in one round, a per-packet allocation shows in every one. */
    private static final int ROUNDS = 5;
    private static final int MEASURED = 4_000; // per round, a multiple of BURST
    private static final int BURST = 32;

    /** Routes 198.19.0.2 to {@link #PEER}, admits it as a source, and counts what the handler sends. */
    static final class Context implements HandlerContext {
        final AtomicInteger sent = new AtomicInteger();
        final AtomicInteger wrong = new AtomicInteger();

        @Override
        public boolean send(PublicKey peer, byte[] b, int off, int len) {
            // an echo reply (type 0) from 198.19.0.1 to 198.19.0.2, for the peer
            boolean ok = peer == PEER && len == 84 && (b[off] & 0xff) == 0x45 && b[off + 9] == 1 && b[off + 20] == 0
                    && (b[off + 15] & 0xff) == 1 && (b[off + 19] & 0xff) == 2;
            (ok ? sent : wrong).incrementAndGet();
            return true;
        }

        private static boolean isPeerAddress(byte[] a, int off, int len) {
            return len == 4 && (a[off] & 0xff) == 198 && a[off + 1] == 19 && a[off + 2] == 0 && a[off + 3] == 2;
        }

        @Override
        public PublicKey peerForAddress(byte[] a, int off, int len) {
            return isPeerAddress(a, off, len) ? PEER : null;
        }

        @Override
        public boolean isAllowedSource(PublicKey peer, byte[] a, int off, int len) {
            return isPeerAddress(a, off, len);
        }

        @Override
        public List<IpPrefix> interfacePrefixes() {
            return List.of(IpPrefix.parse("198.19.0.1/24"));
        }

        @Override
        public String interfaceName() {
            return "ptloop0";
        }

        @Override
        public int mtu() {
            return 1420;
        }
    }

    /** A 56-byte ping 198.19.0.2 → 198.19.0.1 (84 bytes) padded to 96, as WireGuard delivers it. */
    static byte[] echoRequest() {
        byte[] b = IpHeaderTest.ipv4(84, 96);
        b[15] = 2;
        b[17] = 19;
        b[18] = 0;
        b[19] = 1;
        putU16(b, 10, checksum(b, 0, 20));
        b[20] = 8; // echo request
        b[24] = 0x12;
        b[26] = 0;
        b[27] = 1;
        putU16(b, 22, checksum(b, 20, 64));
        return b;
    }

    @Test
    void echoRequestsFromAPeerAreAnsweredByTheKernelAndRoutedBackWithoutAllocating() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root && !"true".equalsIgnoreCase(System.getenv("CI"))) {
            Assumptions.abort("creating a TUN interface needs root");
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] perPacket = {Long.MAX_VALUE, Long.MAX_VALUE};
        Thread t = Thread.ofPlatform().name("tun-loopback-test").unstarted(() -> {
            try {
                run(perPacket);
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        t.join(120_000);
        assertThat(t.isAlive()).as("scenario finished").isFalse();
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        System.out.printf("tun loopback, best of %d rounds of %d packets: %d B allocated writing, %d B reading and routing%n",
                ROUNDS, MEASURED, perPacket[0], perPacket[1]);
        // under one byte per packet (reflection's boxing counts too); one object per packet would be >= 16
        assertThat(perPacket[0]).as("bytes allocated by onPacket for %d packets", MEASURED).isLessThan(MEASURED);
        assertThat(perPacket[1]).as("bytes allocated by the readers for %d packets", MEASURED).isLessThan(MEASURED);
    }

    private static void run(long[] allocated) throws Throwable {
        MethodHandle unshare = Linker.nativeLinker().downcallHandle(
                Linker.nativeLinker().defaultLookup().find("unshare").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        assertThat((int) unshare.invokeExact(CLONE_NEWNET)).as("unshare(CLONE_NEWNET)").isZero();
        // local delivery (the kernel answering the echo) needs the namespace's loopback up
        assertThat(new ProcessBuilder("ip", "link", "set", "lo", "up").inheritIO().start().waitFor()).isZero();
        Context ctx = new Context();
        TunPacketHandler handler = new TunPacketHandler();
        handler.start(ctx);
        try {
            Thread[] readers = Thread.getAllStackTraces().keySet().stream()
                    .filter(r -> r.getName().startsWith("postern-tun-ptloop0-")).toArray(Thread[]::new);
            assertThat(readers).isNotEmpty();
            byte[] ping = echoRequest();
            exchange(handler, ctx, ping, WARM_UP);
            assertThat(ctx.sent.get()).as("replies routed to the peer during warm-up").isGreaterThan(WARM_UP * 9 / 10);

            // com.sun.management.ThreadMXBean through reflection: this module does not read jdk.management
            Object mx = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            Class<?> bean = Class.forName("com.sun.management.ThreadMXBean");
            Method current = bean.getMethod("getCurrentThreadAllocatedBytes");
            Method threads = bean.getMethod("getThreadAllocatedBytes", long[].class);
            long[] ids = Arrays.stream(readers).mapToLong(Thread::threadId).toArray();
            for (int round = 0; round < ROUNDS; round++) {
                long readers0 = Arrays.stream((long[]) threads.invoke(mx, ids)).sum();
                long self0 = (long) current.invoke(mx);
                int before = ctx.sent.get();
                exchange(handler, ctx, ping, MEASURED);
                long self1 = (long) current.invoke(mx);
                long readers1 = Arrays.stream((long[]) threads.invoke(mx, ids)).sum();
                System.out.printf("tun loopback round %d: %d B writing, %d B reading%n", round, self1 - self0,
                        readers1 - readers0);
                allocated[0] = Math.min(allocated[0], self1 - self0);
                allocated[1] = Math.min(allocated[1], readers1 - readers0);
                assertThat(ctx.sent.get() - before).as("replies routed to the peer").isGreaterThan(MEASURED * 9 / 10);
            }
            assertThat(ctx.wrong.get()).as("anything else sent").isZero();
            assertThat(handler.packetsFromPeers()).isEqualTo(WARM_UP + ROUNDS * MEASURED);
            assertThat(handler.packetsToPeers()).isEqualTo(ctx.sent.get());
        } finally {
            handler.stop();
        }
        Process p = new ProcessBuilder("ip", "link", "show", "dev", "ptloop0").redirectErrorStream(true).start();
        assertThat(p.waitFor()).as("the interface is gone after stop").isNotZero();
    }

    /** Writes {@code n} echo requests in bursts, waiting (bounded) for the replies of each burst. */
    static void exchange(TunPacketHandler handler, Context ctx, byte[] ping, int n) {
        for (int i = 0; i < n; i += BURST) {
            int target = ctx.sent.get() + BURST;
            for (int j = 0; j < BURST; j++) {
                handler.onPacket(PEER, ping, 0, ping.length, ctx);
            }
            long deadline = System.nanoTime() + 200_000_000L;
            while (ctx.sent.get() < target && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
        }
    }

    private static int checksum(byte[] b, int off, int len) {
        long sum = 0;
        for (int i = 0; i < len; i += 2) {
            sum += ((b[off + i] & 0xff) << 8) | (i + 1 < len ? b[off + i + 1] & 0xff : 0);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    private static void putU16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }
}
