package io.postern.event;

import io.postern.wire.WireRejection;

/** Why the engine discarded a received datagram. Each has a counter; none changes any session. */
public enum DropReason {
    /** Not a well-formed message: shorter than a header. */
    WIRE_TOO_SHORT,
    /** Not a well-formed message: unknown type byte. */
    WIRE_UNKNOWN_TYPE,
    /** Not a well-formed message: reserved bytes not zero. */
    WIRE_NONZERO_RESERVED,
    /** Not a well-formed message: wrong size for its type. */
    WIRE_WRONG_LENGTH,
    /** Transport message shorter than header + tag. */
    WIRE_TRANSPORT_TOO_SHORT,
    /** Handshake message whose mac1 is not for our key. */
    MAC1_INVALID,
    /** Under load, a handshake without a valid mac2: answered with a cookie reply instead. */
    MAC2_REQUIRED,
    /** An initiation that did not decrypt (static key or timestamp). */
    INITIATION_DECRYPT_FAILED,
    /** An initiation whose TAI64N timestamp is not newer than the last one from that peer (replay). */
    INITIATION_REPLAYED,
    /** An initiation from a peer faster than the per-peer initiation rate limit. */
    INITIATION_FLOOD,
    /** A key that admission refuses. */
    NOT_ADMITTED,
    /** A SessionPolicy refused the new identity at this endpoint. */
    POLICY_REJECTED,
    /** A response or cookie reply naming no handshake of ours. */
    UNKNOWN_HANDSHAKE_INDEX,
    /** A response that did not authenticate. */
    RESPONSE_INVALID,
    /** A cookie reply that did not authenticate. */
    COOKIE_REPLY_INVALID,
    /** A transport message naming no keypair of ours. */
    UNKNOWN_RECEIVER_INDEX,
    /** A transport message that failed authentication (decryption). */
    DECRYPT_FAILED,
    /** A transport message whose counter was already seen or is behind the replay window. */
    REPLAYED,
    /** A transport message under keys older than REJECT_AFTER_TIME, or past REJECT_AFTER_MESSAGES. */
    KEYS_EXPIRED,
    /** Handshake work refused because a table or queue is full. */
    CAPACITY,
    /** Handshake work refused by the per-source rate limiter. */
    RATE_LIMITED,
    /** The packet handler refused the decrypted payload. */
    HANDLER_REJECTED;

    /** @return the drop reason for a wire-level rejection */
    public static DropReason of(WireRejection r) {
        return switch (r) {
            case TOO_SHORT -> WIRE_TOO_SHORT;
            case UNKNOWN_TYPE -> WIRE_UNKNOWN_TYPE;
            case NONZERO_RESERVED -> WIRE_NONZERO_RESERVED;
            case WRONG_LENGTH -> WIRE_WRONG_LENGTH;
            case TRANSPORT_TOO_SHORT -> WIRE_TRANSPORT_TOO_SHORT;
        };
    }
}
