package io.postern.event;

import io.postern.wire.WireRejection;

/** Why the engine discarded a received datagram. Each has a counter; none changes any session. */
public enum DropReason {
    /** Not a well-formed message: shorter than a header. */
    WIRE_TOO_SHORT(Category.MALFORMED),
    /** Not a well-formed message: unknown type byte. */
    WIRE_UNKNOWN_TYPE(Category.MALFORMED),
    /** Not a well-formed message: reserved bytes not zero. */
    WIRE_NONZERO_RESERVED(Category.MALFORMED),
    /** Not a well-formed message: wrong size for its type. */
    WIRE_WRONG_LENGTH(Category.MALFORMED),
    /** Transport message shorter than header + tag. */
    WIRE_TRANSPORT_TOO_SHORT(Category.MALFORMED),
    /** Handshake message whose mac1 is not for our key. */
    MAC1_INVALID(Category.HANDSHAKE),
    /** Under load, a handshake without a valid mac2: answered with a cookie reply instead. */
    MAC2_REQUIRED(Category.UNDER_LOAD),
    /** An initiation that did not decrypt (static key or timestamp). */
    INITIATION_DECRYPT_FAILED(Category.HANDSHAKE),
    /** An initiation whose TAI64N timestamp is not newer than the last one from that peer (replay). */
    INITIATION_REPLAYED(Category.HANDSHAKE),
    /** An initiation from a peer faster than the per-peer initiation rate limit. */
    INITIATION_FLOOD(Category.HANDSHAKE),
    /** A key that admission refuses. */
    NOT_ADMITTED(Category.HANDSHAKE),
    /** A SessionPolicy refused the new identity at this endpoint. */
    POLICY_REJECTED(Category.HANDSHAKE),
    /** A response or cookie reply naming no handshake of ours. */
    UNKNOWN_HANDSHAKE_INDEX(Category.HANDSHAKE),
    /** A response that did not authenticate. */
    RESPONSE_INVALID(Category.HANDSHAKE),
    /** A cookie reply that did not authenticate. */
    COOKIE_REPLY_INVALID(Category.HANDSHAKE),
    /** A transport message naming no keypair of ours. */
    UNKNOWN_RECEIVER_INDEX(Category.DATA),
    /** A transport message that failed authentication (decryption). */
    DECRYPT_FAILED(Category.DATA),
    /** A transport message whose counter was already seen or is behind the replay window. */
    REPLAYED(Category.DATA),
    /** A transport message under keys older than REJECT_AFTER_TIME, or past REJECT_AFTER_MESSAGES. */
    KEYS_EXPIRED(Category.DATA),
    /** Handshake work refused because a table or queue is full. */
    CAPACITY(Category.HANDSHAKE),
    /** Handshake work refused by the per-source rate limiter. */
    RATE_LIMITED(Category.HANDSHAKE),
    /** The packet handler refused the decrypted payload. */
    HANDLER_REJECTED(Category.HANDLER);

    /** What kind of datagram a drop reason refuses (metrics group reasons by it). */
    public enum Category {
        /** Not a well-formed WireGuard message at all. */
        MALFORMED,
        /** A handshake message refused (a failed handshake). */
        HANDSHAKE,
        /** Under load, a handshake message answered with a cookie reply instead (not a failure). */
        UNDER_LOAD,
        /** A transport data message refused. */
        DATA,
        /** A decrypted payload the packet handler refused. */
        HANDLER
    }

    private final Category category;

    DropReason(Category category) {
        this.category = category;
    }

    /** @return what kind of datagram this reason refuses */
    public Category category() {
        return category;
    }

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
