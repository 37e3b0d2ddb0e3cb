package io.postern.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class IpPrefixTest {
    @Test
    void keepsTheHostPartAndMatchesOnlyPrefixBits() throws Exception {
        IpPrefix p = IpPrefix.parse("198.19.0.1/24");
        assertThat(p.address()).isEqualTo(InetAddress.getByName("198.19.0.1"));
        assertThat(p.network()).isEqualTo(IpPrefix.parse("198.19.0.0/24"));
        assertThat(p.contains(InetAddress.getByName("198.19.0.200"))).isTrue();
        assertThat(p.contains(InetAddress.getByName("198.19.1.1"))).isFalse();
        assertThat(IpPrefix.parse("198.19.0.0/23").contains(InetAddress.getByName("198.19.1.255"))).isTrue();
        assertThat(IpPrefix.parse("0.0.0.0/0").contains(InetAddress.getByName("203.0.113.9"))).isTrue();
        assertThat(IpPrefix.parse("fd00::/64").contains(InetAddress.getByName("fd00::1:2"))).isTrue();
        assertThat(IpPrefix.parse("fd00::/64").contains(InetAddress.getByName("198.19.0.1"))).isFalse();
        assertThat(IpPrefix.parse("198.19.0.2").length()).isEqualTo(32);
    }

    @Test
    void rejectsBadTextWithAReason() {
        assertThatThrownBy(() -> IpPrefix.parse("198.19.0.1/33")).hasMessageContaining("above 32");
        assertThatThrownBy(() -> IpPrefix.parse("198.19.0.1/x")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> IpPrefix.parse("example.org/24")).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> IpPrefix.parse("198.19.0.256/24")).hasMessageContaining("not an IPv4 address");
        assertThatThrownBy(() -> IpPrefix.parse("")).hasMessageContaining("empty");
    }
}
