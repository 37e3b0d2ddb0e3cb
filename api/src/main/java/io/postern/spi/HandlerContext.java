package io.postern.spi;

import io.postern.key.PublicKey;
import io.postern.net.IpPrefix;
import java.net.InetAddress;
import java.util.List;

/**
 * What a {@link PacketHandler} may do: send payloads through established sessions, and ask the
 * gateway's cryptokey routing table (each peer's AllowedIPs, WireGuard paper §2). Thread-safe.
 */
public interface HandlerContext {
    /**
     * Encrypts and sends {@code buffer[offset, offset+length)} to {@code peer} over its current
     * session. The buffer may be reused as soon as this returns.
     *
     * Without a usable session the engine stages the payload (bounded, oldest dropped first), starts
     * a handshake and sends it when the handshake completes; that counts as sent.
     *
     * @return {@code true} when sent or staged; {@code false} for an unknown peer, a payload too
     *         large, or a transport that refused the datagram
     */
    boolean send(PublicKey peer, byte[] buffer, int offset, int length);

    /**
     * Longest-prefix match of an IP address against every peer's AllowedIPs.
     *
     * @param address       the address bytes at {@code [offset, offset+addressLength)}
     * @param addressLength 4 (IPv4) or 16 (IPv6)
     * @return the peer whose AllowedIPs hold the longest matching prefix, or {@code null}
     */
    default PublicKey peerForAddress(byte[] address, int offset, int addressLength) {
        return null;
    }

    /**
     * @return whether {@code peer}'s AllowedIPs contain the address (the source check of
     *         cryptokey routing: a peer may only send from addresses it is allowed to use)
     */
    default boolean isAllowedSource(PublicKey peer, byte[] address, int offset, int addressLength) {
        return false;
    }

    /** @return the gateway's own tunnel addresses (host parts of {@code [Interface] Address}) */
    default List<InetAddress> interfaceAddresses() {
        return List.of();
    }

    /**
     * @return the {@code [Interface] Address} prefixes as written (host part and prefix length), for
     *         handlers that configure a network interface
     */
    default List<IpPrefix> interfacePrefixes() {
        return List.of();
    }

    /**
     * @return the interface name ({@code Name}, by default the configuration file's base name, as
     *         wg-quick names its interface), or {@code ""} when none was given
     */
    default String interfaceName() {
        return "";
    }

    /** @return the interface MTU ({@code MTU}), or 0 when not configured (the handler's default) */
    default int mtu() {
        return 0;
    }
}
