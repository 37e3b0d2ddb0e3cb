package io.postern.gateway.ip;

/** Why the {@code ip} handler did not deliver a packet. Each is counted; none throws. */
public enum IpDropReason {
    /** Shorter than an IP header. */
    TOO_SHORT,
    /** The version nibble is neither 4 nor 6. */
    BAD_VERSION,
    /** IPv4 header length below 20 bytes. */
    BAD_HEADER,
    /** The total or payload length does not fit the datagram. */
    BAD_LENGTH,
    /** The IPv4 header checksum or the ICMP checksum is wrong. */
    BAD_CHECKSUM,
    /**
     * An IPv4 fragment (MF flag or offset) addressed to the gateway itself, which does not reassemble
     * (it answers only ping). Fragments between peers are forwarded.
     */
    FRAGMENT,
    /** The source address is not in the sending peer's AllowedIPs (cryptokey routing). */
    SOURCE_NOT_ALLOWED,
    /** Addressed to the gateway but not an ICMP echo request. */
    LOCAL_NOT_HANDLED,
    /** No peer's AllowedIPs contain the destination. */
    NO_ROUTE,
    /** TTL or hop limit would reach zero. */
    TTL_EXPIRED,
    /** The destination peer has no session to send on. */
    NO_SESSION
}
