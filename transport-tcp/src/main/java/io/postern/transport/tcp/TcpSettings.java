package io.postern.transport.tcp;

import io.postern.spi.PluginConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * The {@code [Plugin.tcp]} settings and their defaults. Every bound is on what an unauthenticated
 * party can make the transport hold: connections (in total and per source IP), a frame buffer of
 * {@code 2 + MaxFrame} bytes per connection, a send queue of at most {@code SendBuffer} bytes per
 * connection, and the time a connection may spend without completing a frame.
 *
 * @param maxConnections      connections at once, accepted and dialled ({@code MaxConnections}, default 1024)
 * @param maxConnectionsPerIp accepted connections at once from one source IP ({@code MaxConnectionsPerIp}, default 16)
 * @param maxFrame            largest datagram accepted or sent ({@code MaxFrame}, default 4096; WireGuard at MTU 1420 sends at most 1452)
 * @param sendBuffer          bytes queued per connection when the socket is full; beyond, datagrams are dropped ({@code SendBuffer}, default 65536)
 * @param idleTimeout         a connection with no complete frame for this long is closed ({@code IdleTimeout}, default 180s)
 * @param frameTimeout        a frame (and the handshake string, and the first frame of a new connection)
 *                            must arrive whole within this ({@code FrameTimeout}, default 10s)
 * @param handshake           the udptunnel handshake string, NUL-padded to 32 bytes, or {@code null} for none ({@code Handshake})
 */
record TcpSettings(int maxConnections, int maxConnectionsPerIp, int maxFrame, int sendBuffer, Duration idleTimeout,
                   Duration frameTimeout, byte[] handshake) {
    /** Length of the udptunnel handshake string. */
    static final int HANDSHAKE_LENGTH = 32;
    /** Largest length a 16-bit length prefix can say. */
    static final int MAX_LENGTH = 65535;

    static final TcpSettings DEFAULTS = new TcpSettings(1024, 16, 4096, 65536, Duration.ofSeconds(180),
            Duration.ofSeconds(10), null);

    /**
     * Reads {@code [Plugin.tcp]} ({@code Listen} is the gateway's and is not in it).
     *
     * @throws io.postern.spi.PluginConfigException naming file, line and key
     */
    static TcpSettings from(PluginConfig c) {
        c.requireOnly("MaxConnections", "MaxConnectionsPerIp", "MaxFrame", "SendBuffer", "IdleTimeout", "FrameTimeout",
                "Handshake");
        int maxConnections = c.integer("MaxConnections", DEFAULTS.maxConnections, 1, 1_000_000);
        int perIp = c.integer("MaxConnectionsPerIp", DEFAULTS.maxConnectionsPerIp, 1, maxConnections);
        int maxFrame = c.integer("MaxFrame", DEFAULTS.maxFrame, 148, MAX_LENGTH);
        int sendBuffer = c.integer("SendBuffer", DEFAULTS.sendBuffer, maxFrame + 2, 64 << 20);
        Duration idle = c.duration("IdleTimeout", DEFAULTS.idleTimeout, Duration.ofMillis(100), Duration.ofDays(1));
        Duration frame = c.duration("FrameTimeout", DEFAULTS.frameTimeout, Duration.ofMillis(50), Duration.ofHours(1));
        byte[] handshake = null;
        if (c.has("Handshake")) {
            byte[] text = c.requireString("Handshake").getBytes(StandardCharsets.UTF_8);
            if (text.length > HANDSHAKE_LENGTH) {
                throw c.invalid("Handshake", "is " + text.length + " bytes; udptunnel's handshake string has at most "
                        + HANDSHAKE_LENGTH);
            }
            handshake = Arrays.copyOf(text, HANDSHAKE_LENGTH);
        }
        return new TcpSettings(maxConnections, perIp, maxFrame, sendBuffer, idle, frame, handshake);
    }
}
