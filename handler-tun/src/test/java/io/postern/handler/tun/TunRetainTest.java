package io.postern.handler.tun;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@link TunPacketHandler#RETAIN_PROPERTY}, what {@code postern userspace} restarts its node with: a
 * stopped handler leaves the interface open (same ifindex, its address kept), and the next handler
 * started on that name takes the open device over, without running {@code ip} again (which would
 * fail: the address exists), and carries packets through it. In a private network namespace, as
 * {@link TunLoopbackTest}; needs root (CI runs it; elsewhere it is skipped).
 */
class TunRetainTest {
    private static final int CLONE_NEWNET = 0x40000000;

    @Test
    void aStoppedHandlerKeepsTheInterfaceAndTheNextOneTakesItOverAndCarriesPackets() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root && !"true".equalsIgnoreCase(System.getenv("CI"))) {
            Assumptions.abort("creating a TUN interface needs root");
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("tun-retain-test").unstarted(() -> {
            try {
                run();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        t.join(60_000);
        assertThat(t.isAlive()).as("scenario finished").isFalse();
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }

    private static void run() throws Throwable {
        MethodHandle unshare = Linker.nativeLinker().downcallHandle(
                Linker.nativeLinker().defaultLookup().find("unshare").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        assertThat((int) unshare.invokeExact(CLONE_NEWNET)).as("unshare(CLONE_NEWNET)").isZero();
        assertThat(new ProcessBuilder("ip", "link", "set", "lo", "up").inheritIO().start().waitFor()).isZero();
        TunLoopbackTest.Context ctx = new TunLoopbackTest.Context();
        System.setProperty(TunPacketHandler.RETAIN_PROPERTY, "true");
        TunPacketHandler second = new TunPacketHandler();
        try {
            TunPacketHandler first = new TunPacketHandler();
            first.start(ctx);
            String ifindex = ifindex();
            first.stop();
            assertThat(ip("ip", "-o", "addr", "show", "dev", "ptloop0")).as("kept, with its address").contains("198.19.0.1/24");
            assertThat(ifindex()).isEqualTo(ifindex);

            second.start(ctx);
            assertThat(ifindex()).as("the same interface").isEqualTo(ifindex);
            byte[] ping = TunLoopbackTest.echoRequest();
            TunLoopbackTest.exchange(second, ctx, ping, 64);
            assertThat(ctx.sent.get()).as("echo replies through the taken-over device").isGreaterThan(32);
        } finally {
            System.clearProperty(TunPacketHandler.RETAIN_PROPERTY);
            second.stop();
        }
        Process p = new ProcessBuilder("ip", "link", "show", "dev", "ptloop0").redirectErrorStream(true).start();
        assertThat(p.waitFor()).as("without the property, stop closes it and the interface goes").isNotZero();
    }

    /** @return the interface's index ({@code /sys} shows the namespace it was mounted in, not this thread's) */
    private static String ifindex() throws Exception {
        return ip("ip", "-o", "link", "show", "dev", "ptloop0").split(":")[0];
    }

    private static String ip(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor()).as("%s: %s", String.join(" ", command), out).isZero();
        return out;
    }
}
