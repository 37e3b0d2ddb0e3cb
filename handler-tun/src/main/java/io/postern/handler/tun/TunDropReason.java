package io.postern.handler.tun;

/** Why the {@code tun} handler dropped a packet; each has a counter ({@link TunPacketHandler#drops}). */
public enum TunDropReason {
    /** Not an IPv4 or IPv6 packet, or shorter than its fixed header. */
    NOT_IP,
    /** The header's length disagrees with the bytes there are. */
    BAD_LENGTH,
    /** From a peer: the source address is outside the peer's AllowedIPs (cryptokey routing). */
    SOURCE_NOT_ALLOWED,
    /** From the interface: no peer's AllowedIPs hold the destination. */
    NO_ROUTE,
    /** From the interface: the engine could neither send nor stage it for the peer (removed, or too large). */
    NO_SESSION,
    /** To the interface: the kernel refused the write (interface down or gone). */
    WRITE_FAILED
}
