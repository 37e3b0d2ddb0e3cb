package io.postern.wire;

/** Why a datagram is not a well-formed WireGuard v1 message. Metrics count each. */
public enum WireRejection {
    /** Shorter than the 4-byte message header. */
    TOO_SHORT,
    /** Byte 0 is not 1–4. */
    UNKNOWN_TYPE,
    /** Bytes 1–3 are not zero. */
    NONZERO_RESERVED,
    /** A handshake or cookie message whose length is not exactly its type's size. */
    WRONG_LENGTH,
    /** A transport message shorter than header + tag (32 bytes). */
    TRANSPORT_TOO_SHORT;

    private final Parsed.Rejected<?> rejected = new Parsed.Rejected<>(this);

    /** @return the shared rejection value for this reason (no allocation per packet) */
    @SuppressWarnings("unchecked")
    public <T> Parsed<T> rejected() {
        return (Parsed<T>) rejected;
    }
}
