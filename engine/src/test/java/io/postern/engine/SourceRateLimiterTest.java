package io.postern.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

/** The per-source handshake rate limiter: IPv6 keyed by /64, and a full table never locks a new source out. */
class SourceRateLimiterTest {
    private static final long NOW = 1_000_000;

    @Test
    void seventyThousandAddressesOfOneSlash64CannotLockOutANewSource() throws UnknownHostException {
        SourceRateLimiter limiter = new SourceRateLimiter(ProtocolConstants.DEFAULT_MAX_RATE_LIMITER_ENTRIES);
        byte[] v6 = InetAddress.getByName("2001:db8:1:2::").getAddress();
        for (int i = 0; i < 70_000; i++) {
            v6[12] = (byte) (i >>> 24);
            v6[13] = (byte) (i >>> 16);
            v6[14] = (byte) (i >>> 8);
            v6[15] = (byte) i;
            limiter.allow(InetAddress.getByAddress(v6), NOW);
        }
        assertThat(limiter.size()).as("one /64 is one source").isEqualTo(1);
        assertThat(limiter.allow(InetAddress.getByName("2001:db8:1:2::ffff:1"), NOW))
                .as("the attacker's /64 spent its burst").isFalse();
        assertThat(limiter.allow(InetAddress.getByName("198.18.0.9"), NOW)).as("a new IPv4 source").isTrue();
        assertThat(limiter.allow(InetAddress.getByName("2001:db8:1:3::1"), NOW)).as("the next /64").isTrue();
    }

    @Test
    void aFullTableEvictsTheLeastRecentlySeenSourceInsteadOfRefusing() throws UnknownHostException {
        SourceRateLimiter limiter = new SourceRateLimiter(100);
        for (int i = 0; i < 100; i++) {
            assertThat(limiter.allow(InetAddress.getByName("198.18.1." + i), NOW)).isTrue();
        }
        assertThat(limiter.allow(InetAddress.getByName("198.18.1.5"), NOW)).isTrue(); // seen again: not the eldest
        assertThat(limiter.allow(InetAddress.getByName("198.18.2.1"), NOW)).as("a new source, table full").isTrue();
        assertThat(limiter.size()).isEqualTo(100);
        assertThat(limiter.evicted()).isEqualTo(1);
        // 198.18.1.0 was the least recently seen and was evicted; 198.18.1.5 spent two of its burst
        for (int i = 0; i < ProtocolConstants.HANDSHAKE_BURST_PER_SOURCE - 2; i++) {
            assertThat(limiter.allow(InetAddress.getByName("198.18.1.5"), NOW)).isTrue();
        }
        assertThat(limiter.allow(InetAddress.getByName("198.18.1.5"), NOW)).as("198.18.1.5 kept its bucket").isFalse();
    }

    @Test
    void ipv4SourcesAreKeyedByAddressAndIpv6ByPrefix() throws UnknownHostException {
        SourceRateLimiter limiter = new SourceRateLimiter(16);
        for (int i = 0; i < ProtocolConstants.HANDSHAKE_BURST_PER_SOURCE; i++) {
            assertThat(limiter.allow(InetAddress.getByName("2001:db8::" + (i + 1)), NOW)).isTrue();
        }
        assertThat(limiter.allow(InetAddress.getByName("2001:db8::abcd"), NOW)).isFalse();
        assertThat(limiter.allow(InetAddress.getByName("198.18.0.1"), NOW)).isTrue();
        assertThat(limiter.allow(InetAddress.getByName("198.18.0.2"), NOW)).isTrue();
        assertThat(limiter.allow(InetAddress.getByName("2001:db8::abcd"), NOW + 50)).as("refilled").isTrue();
    }
}
