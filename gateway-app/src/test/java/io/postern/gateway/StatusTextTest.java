package io.postern.gateway;

import io.postern.gateway.uapi.AddressText;
import static org.assertj.core.api.Assertions.assertThat;

import io.postern.net.IpPrefix;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StatusTextTest {
    @Test
    void timesReadLikeWgShow() {
        Instant now = Instant.parse("2026-01-01T12:00:00Z");
        assertThat(StatusText.ago(now.minusSeconds(12), now)).isEqualTo("12 seconds ago");
        assertThat(StatusText.ago(now.minusSeconds(61), now)).isEqualTo("1 minute, 1 second ago");
        assertThat(StatusText.ago(now.minus(Duration.ofDays(2).plusHours(1).plusSeconds(3)), now))
                .isEqualTo("2 days, 1 hour, 3 seconds ago");
        assertThat(StatusText.ago(now, now)).isEqualTo("Now");
        assertThat(StatusText.ago(now.plusSeconds(5), now)).isEqualTo("Now"); // a clock that went back
        assertThat(StatusText.duration(Duration.ofSeconds(25))).isEqualTo("25 seconds");
    }

    @Test
    void sizesReadLikeWgShow() {
        assertThat(StatusText.bytes(0)).isEqualTo("0 B");
        assertThat(StatusText.bytes(1023)).isEqualTo("1023 B");
        assertThat(StatusText.bytes(1239)).isEqualTo("1.21 KiB");
        assertThat(StatusText.bytes(3 * 1024 * 1024 + 512 * 1024)).isEqualTo("3.50 MiB");
        assertThat(StatusText.bytes(5L << 40)).isEqualTo("5.00 TiB");
    }

    @Test
    void ipv6IsWrittenInItsCanonicalForm() throws Exception {
        assertThat(AddressText.of(InetAddress.getByName("fd00:0:0:0:0:0:0:4"))).isEqualTo("fd00::4");
        assertThat(AddressText.of(InetAddress.getByName("::1"))).isEqualTo("::1");
        assertThat(AddressText.of(InetAddress.getByName("::"))).isEqualTo("::");
        assertThat(AddressText.of(InetAddress.getByName("2001:db8:0:1:0:0:0:1"))).isEqualTo("2001:db8:0:1::1");
        assertThat(AddressText.of(InetAddress.getByName("2001:db8:0:0:1:0:0:1"))).isEqualTo("2001:db8::1:0:0:1");
        assertThat(AddressText.of(InetAddress.getByName("2001:db8:1:2:3:4:0:5"))).isEqualTo("2001:db8:1:2:3:4:0:5");
        assertThat(AddressText.of(IpPrefix.parse("10.0.0.0/8"))).isEqualTo("10.0.0.0/8");
        assertThat(AddressText.of(IpPrefix.parse("FD00:0::/64"))).isEqualTo("fd00::/64");
    }
}
