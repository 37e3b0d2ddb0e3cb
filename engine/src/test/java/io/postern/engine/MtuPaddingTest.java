package io.postern.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.postern.spi.PolicyDecision;
import io.postern.wire.MessageType;
import io.postern.wire.DataMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Pins wireguard-go's {@code calculatePaddingSize} (send.go): a payload is padded to a multiple of 16
 * but never beyond the tunnel MTU, and no datagram exceeds the 65,507 bytes UDP carries over IPv4.
 */
class MtuPaddingTest {
    private static final int DATA = MessageType.TRANSPORT_DATA.code();
    private static final int OVERHEAD = DataMessage.HEADER_SIZE + 16; // header + tag
    private final EngineHarness h = new EngineHarness();

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void paddingNeverTakesAPayloadBeyondTheMtu() {
        assertThat(DataMessage.paddedLength(1409, 1420)).isEqualTo(1420);
        assertThat(DataMessage.paddedLength(1420, 1420)).isEqualTo(1420);
        assertThat(DataMessage.paddedLength(1401, 1420)).isEqualTo(1408);
        assertThat(DataMessage.paddedLength(0, 1420)).isZero();
        // larger than the MTU (a hub forwarding a bigger packet): its last MTU-sized unit is padded
        assertThat(DataMessage.paddedLength(1425, 1420)).isEqualTo(1436);
        assertThat(DataMessage.paddedLength(1409, 0)).isEqualTo(1424);
    }

    @Test
    void aFullSizePacketOnTheDefaultMtuIsSentAsOneThousandFourHundredFiftyTwoBytes() {
        EngineHarness.Node gw = h.gateway(new FixedPolicy(PolicyDecision.ACCEPT_AND_KEEP_BOTH));
        EngineHarness.Node a = h.client(EngineHarness.CLIENT_A, gw);
        h.establish(a, gw);
        for (int len = 1409; len <= 1420; len++) {
            int before = h.net.sentBy(a.endpoint, DATA).size();
            assertThat(a.engine.send(gw.key(), new byte[len], 0, len)).isTrue();
            var sent = h.net.sentBy(a.endpoint, DATA);
            assertThat(sent).hasSize(before + 1);
            assertThat(sent.getLast().bytes()).as("datagram of a %d-byte packet", len).hasSize(1420 + OVERHEAD);
        }
        h.deliver();
        a.engine.setInterface("", 1280, java.util.List.of());
        a.engine.send(gw.key(), new byte[1275], 0, 1275);
        assertThat(h.net.sentBy(a.endpoint, DATA).getLast().bytes()).hasSize(1280 + OVERHEAD);
    }

    @Test
    void noDatagramExceedsTheIpv4UdpLimit() {
        EngineHarness.Node gw = h.gateway(new FixedPolicy(PolicyDecision.ACCEPT_AND_KEEP_BOTH));
        EngineHarness.Node a = h.client(EngineHarness.CLIENT_A, gw);
        h.establish(a, gw);
        a.engine.setInterface("", 65_475, java.util.List.of());
        int largest = 65_507 - OVERHEAD;
        assertThat(a.engine.send(gw.key(), new byte[largest], 0, largest)).isTrue();
        assertThat(h.net.sentBy(a.endpoint, DATA).getLast().bytes()).hasSize(65_507);
        assertThat(a.engine.send(gw.key(), new byte[largest + 1], 0, largest + 1)).as("too large").isFalse();
        assertThatThrownBy(() -> a.engine.setInterface("", 65_476, java.util.List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("65,507");
        assertThatThrownBy(() -> a.engine.setInterface("", 67, java.util.List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
