package io.postern.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.key.PresharedKey;
import io.postern.net.IpPrefix;
import io.postern.spi.PolicyDecision;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CryptokeyRoutingTest {

    private static byte[] ip(String s) throws Exception {
        return InetAddress.getByName(s).getAddress();
    }

    @Test
    void longestPrefixWinsAndSourcesAreCheckedPerPeer() throws Exception {
        try (EngineHarness h = new EngineHarness()) {
            var gw = h.gateway(new FixedPolicy(PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION));
            var a = EngineHarness.newKeys().publicKey();
            var b = EngineHarness.newKeys().publicKey();
            gw.engine.addOrUpdatePeer(new PeerConfig(a, PresharedKey.NONE,
                    List.of(IpPrefix.parse("198.19.0.0/16"), IpPrefix.parse("fd00::/64")), null, Duration.ZERO));
            gw.engine.addOrUpdatePeer(new PeerConfig(b, PresharedKey.NONE,
                    List.of(IpPrefix.parse("198.19.7.0/24")), null, Duration.ZERO));

            assertThat(gw.engine.peerForAddress(ip("198.19.7.9"), 0, 4)).isEqualTo(b);
            assertThat(gw.engine.peerForAddress(ip("198.19.8.9"), 0, 4)).isEqualTo(a);
            assertThat(gw.engine.peerForAddress(ip("fd00::9"), 0, 16)).isEqualTo(a);
            assertThat(gw.engine.peerForAddress(ip("198.18.0.1"), 0, 4)).isNull();

            assertThat(gw.engine.isAllowedSource(b, ip("198.19.7.1"), 0, 4)).isTrue();
            assertThat(gw.engine.isAllowedSource(b, ip("198.19.8.1"), 0, 4)).isFalse();
            assertThat(gw.engine.isAllowedSource(a, ip("198.19.7.1"), 0, 4)).as("B's longer prefix").isFalse();
            assertThat(gw.engine.isAllowedSource(a, ip("198.19.8.1"), 0, 4)).isTrue();

            // changing and removing peers rebuilds the table
            gw.engine.addOrUpdatePeer(new PeerConfig(b, PresharedKey.NONE,
                    List.of(IpPrefix.parse("198.19.9.0/24")), null, Duration.ZERO));
            assertThat(gw.engine.peerForAddress(ip("198.19.7.9"), 0, 4)).isEqualTo(a);
            assertThat(gw.engine.peerForAddress(ip("198.19.9.9"), 0, 4)).isEqualTo(b);
            gw.engine.removePeer(a);
            assertThat(gw.engine.peerForAddress(ip("198.19.7.9"), 0, 4)).isNull();
            assertThat(gw.engine.isAllowedSource(a, ip("198.19.7.1"), 0, 4)).isFalse();
        }
    }

    /**
     * Pins wireguard-go's source check (receive.go: {@code peer.device.allowedips.Lookup(src) != peer}
     * drops the packet): with A = 198.19.0.0/24 and B = 198.19.0.5/32, the longest prefix of .5 is B's,
     * so A may not send as .5 (and replies to .5 go to B).
     */
    @Test
    void aSourceIsAllowedOnlyWhenItsLongestPrefixBelongsToTheSender() throws Exception {
        try (EngineHarness h = new EngineHarness()) {
            var gw = h.gateway(new FixedPolicy(PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION));
            var a = EngineHarness.newKeys().publicKey();
            var b = EngineHarness.newKeys().publicKey();
            gw.engine.addOrUpdatePeer(new PeerConfig(a, PresharedKey.NONE,
                    List.of(IpPrefix.parse("198.19.0.0/24")), null, Duration.ZERO));
            gw.engine.addOrUpdatePeer(new PeerConfig(b, PresharedKey.NONE,
                    List.of(IpPrefix.parse("198.19.0.5/32")), null, Duration.ZERO));

            assertThat(gw.engine.isAllowedSource(a, ip("198.19.0.5"), 0, 4)).as("A sending as B's .5").isFalse();
            assertThat(gw.engine.isAllowedSource(b, ip("198.19.0.5"), 0, 4)).isTrue();
            assertThat(gw.engine.isAllowedSource(a, ip("198.19.0.6"), 0, 4)).isTrue();
            assertThat(gw.engine.peerForAddress(ip("198.19.0.5"), 0, 4)).isEqualTo(b);
        }
    }

    /**
     * Pins wg's semantics (allowedips.go {@code Insert} replaces the node's peer): a prefix given to
     * two peers belongs to the one configured last, with a warning naming both; the first keeps the rest.
     */
    @Test
    void aPrefixGivenToTwoPeersMovesToTheOneConfiguredLastWithAWarning() throws Exception {
        try (EngineHarness h = new EngineHarness(); LogCapture log = new LogCapture(SessionEngine.class)) {
            var gw = h.gateway(new FixedPolicy(PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION));
            var a = EngineHarness.newKeys().publicKey();
            var b = EngineHarness.newKeys().publicKey();
            gw.engine.addOrUpdatePeer(new PeerConfig(a, PresharedKey.NONE,
                    List.of(IpPrefix.parse("198.19.3.0/24"), IpPrefix.parse("198.19.4.0/24")), null, Duration.ZERO));
            gw.engine.addOrUpdatePeer(new PeerConfig(b, PresharedKey.NONE,
                    List.of(IpPrefix.parse("198.19.3.7/24")), null, Duration.ZERO)); // same network as A's

            assertThat(gw.engine.peerForAddress(ip("198.19.3.9"), 0, 4)).isEqualTo(b);
            assertThat(gw.engine.isAllowedSource(a, ip("198.19.3.9"), 0, 4)).isFalse();
            assertThat(gw.engine.isAllowedSource(b, ip("198.19.3.9"), 0, 4)).isTrue();
            assertThat(gw.engine.peerForAddress(ip("198.19.4.9"), 0, 4)).isEqualTo(a);
            assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains("198.19.3.0/24")
                    .contains(a.shortForm()).contains(b.shortForm()));

            // configuring A again gives the prefix back to A, and removing B does not take it from A
            gw.engine.addOrUpdatePeer(new PeerConfig(a, PresharedKey.NONE,
                    List.of(IpPrefix.parse("198.19.3.0/24")), null, Duration.ZERO));
            assertThat(gw.engine.peerForAddress(ip("198.19.3.9"), 0, 4)).isEqualTo(a);
            assertThat(gw.engine.peerForAddress(ip("198.19.4.9"), 0, 4)).as("released by A's new list").isNull();
            gw.engine.removePeer(b);
            assertThat(gw.engine.peerForAddress(ip("198.19.3.9"), 0, 4)).isEqualTo(a);
        }
    }

    @Test
    void interfaceAddressesAreWhatWasSet() throws Exception {
        try (EngineHarness h = new EngineHarness()) {
            var gw = h.gateway(new FixedPolicy(PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION));
            assertThat(gw.engine.interfaceAddresses()).isEmpty();
            gw.engine.setInterfaceAddresses(List.of(InetAddress.getByName("198.19.0.1")));
            assertThat(gw.engine.interfaceAddresses()).containsExactly(InetAddress.getByName("198.19.0.1"));
        }
    }
}
