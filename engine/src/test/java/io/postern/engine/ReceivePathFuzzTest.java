package io.postern.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.postern.event.DropReason;
import io.postern.net.Endpoint;
import io.postern.spi.GatewayEvent;
import io.postern.spi.PolicyDecision;
import io.postern.testkit.SeedMutations;
import io.postern.wire.MessageType;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the receive path as a whole: {@link SessionEngine#onDatagram} on a gateway with an
 * established session, every datagram coming from that session's own endpoint. Whatever arrives,
 * nothing throws, the session stays exactly as it was (same keypair, same binding, no eviction) and
 * the counters add up: each datagram is counted exactly once — as a drop with its reason, or as an
 * authenticated packet.
 *
 * <p>Random bytes alone almost never reach the deep checks, so the input's first byte picks a
 * template from the live session — A's real initiation, A's real transport packet, a transport
 * header naming A's receiver index — and the remaining bytes are laid over it; template 0 is the
 * raw bytes.
 */
class ReceivePathFuzzTest {
    private static final long CI_EXECUTIONS = 100_000;
    private static final Endpoint E = EngineHarness.CLIENT_A;

    private static final EngineHarness H = new EngineHarness();
    private static final EngineHarness.Node GW = H.gateway(new FixedPolicy(PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION));
    private static final EngineHarness.Node A = H.client(E, GW);
    private static final byte[] INITIATION;
    private static final byte[] TRANSPORT;
    private static final Instant HANDSHAKE;

    static {
        H.establish(A, GW);
        INITIATION = H.net.sentBy(E, MessageType.HANDSHAKE_INITIATION.code()).getFirst().bytes();
        TRANSPORT = H.net.sentBy(E, MessageType.TRANSPORT_DATA.code()).getFirst().bytes();
        HANDSHAKE = GW.status(A).lastHandshake();
    }

    @AfterAll
    static void close() {
        H.close();
    }

    @FuzzTest(maxDuration = "10s")
    void onDatagram(byte[] data) {
        check(data);
    }

    @Test
    void boundedRandomExecutionsFromTheSeedsAndTheSessionStillWorks() {
        long ran;
        try (LogCapture log = new LogCapture(SessionEngine.class)) {
            ran = SeedMutations.run(SeedMutations.seeds(ReceivePathFuzzTest.class, "onDatagram"), CI_EXECUTIONS,
                    0x5e_55_10_4L, ReceivePathFuzzTest::check);
            assertThat(log.messages()).as("datagrams that made the engine throw").isEmpty();
        }
        System.out.println("ReceivePathFuzzTest: " + ran + " executions");
        assertThat(ran).isGreaterThan(CI_EXECUTIONS);
        A.send(GW, "after the fuzz");
        H.deliver();
        assertThat(A.handler.texts()).endsWith("after the fuzz");
    }

    static void check(byte[] data) {
        byte[] datagram = datagram(data);
        EngineCounters before = GW.engine.counters();
        try (LogCapture log = new LogCapture(SessionEngine.class)) {
            GW.engine.onDatagram(E, datagram, 0, datagram.length);
            H.deliver(); // whatever the gateway answered (cookie replies, responses) reaches A
            assertThat(log.messages()).as("the engine threw").isEmpty();
        }
        EngineCounters after = GW.engine.counters();
        long accounted = after.packetsReceived() - before.packetsReceived()
                + after.handshakesCompleted() - before.handshakesCompleted();
        for (DropReason r : DropReason.values()) {
            accounted += after.drops(r) - before.drops(r);
        }
        assertThat(accounted).as("each datagram counted once: %s", after).isEqualTo(1);
        assertThat(after.handshakesCompleted()).isEqualTo(before.handshakesCompleted());
        PeerStatus a = GW.status(A);
        assertThat(a.state()).isEqualTo(SessionState.ESTABLISHED);
        assertThat(a.lastHandshake()).isEqualTo(HANDSHAKE);
        assertThat(GW.engine.peerAt(E)).contains(A.key());
        assertThat(GW.engine.peerCount()).isEqualTo(1);
        assertThat(GW.events).noneMatch(e -> e instanceof GatewayEvent.SessionEvicted);
        assertThat(A.status(GW).state()).isEqualTo(SessionState.ESTABLISHED);
    }

    /** Builds the datagram from the fuzz input (see the class comment). */
    private static byte[] datagram(byte[] data) {
        if (data.length < 2) {
            return data.clone();
        }
        byte[] rest = Arrays.copyOfRange(data, 2, data.length);
        int at = data[1] & 0xff;
        return switch (data[0] & 0x03) {
            case 0 -> rest;
            case 1 -> overlay(INITIATION, at, rest);
            case 2 -> overlay(TRANSPORT, at, rest);
            default -> {
                byte[] d = new byte[16 + rest.length];
                System.arraycopy(TRANSPORT, 0, d, 0, 8); // type and A's receiver index
                System.arraycopy(rest, 0, d, 16 - Math.min(8, rest.length), rest.length);
                yield d;
            }
        };
    }

    /** {@code template} with {@code bytes} written at {@code at} (modulo its length); longer input extends it. */
    private static byte[] overlay(byte[] template, int at, byte[] bytes) {
        int from = template.length == 0 ? 0 : at % template.length;
        byte[] d = Arrays.copyOf(template, Math.max(template.length, from + bytes.length));
        System.arraycopy(bytes, 0, d, from, bytes.length);
        return d;
    }
}
