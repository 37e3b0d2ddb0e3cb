package io.postern.wire;

import java.util.Arrays;

/**
 * Handshake initiation, type 1, 148 bytes: type/reserved 4, sender 4, ephemeral 32, encrypted
 * static 48, encrypted timestamp 28, mac1 16, mac2 16. Holds a copy of the message bytes.
 *
 * @param bytes the whole 148-byte message (owned by this record; do not modify)
 */
public record HandshakeInitiation(byte[] bytes) implements WireMessage {
    /** Message size in bytes. */
    public static final int SIZE = 148;
    /** Offset of the sender index. */
    public static final int SENDER_OFFSET = 4;
    /** Offset of the unencrypted ephemeral public key. */
    public static final int EPHEMERAL_OFFSET = 8;
    /** Offset of the encrypted static key (32 + 16 tag). */
    public static final int STATIC_OFFSET = 40;
    /** Offset of the encrypted timestamp (12 + 16 tag). */
    public static final int TIMESTAMP_OFFSET = 88;
    /** Offset of mac1. */
    public static final int MAC1_OFFSET = 116;
    /** Offset of mac2. */
    public static final int MAC2_OFFSET = 132;

    /** Parses a whole datagram as an initiation; the bytes are copied. */
    public static Parsed<HandshakeInitiation> parse(byte[] buf, int offset, int length) {
        WireRejection r = WireCodec.checkHeader(buf, offset, length, MessageType.HANDSHAKE_INITIATION, SIZE);
        if (r != null) {
            return r.rejected();
        }
        return new Parsed.Ok<>(new HandshakeInitiation(Arrays.copyOfRange(buf, offset, offset + SIZE)));
    }

    /** @return the initiator's sender index */
    public int sender() {
        return LittleEndian.getInt(bytes, SENDER_OFFSET);
    }

    @Override
    public MessageType type() {
        return MessageType.HANDSHAKE_INITIATION;
    }

    /** Writes the message into {@code out} at {@code offset}; returns {@link #SIZE}. */
    public int writeTo(byte[] out, int offset) {
        System.arraycopy(bytes, 0, out, offset, SIZE);
        return SIZE;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HandshakeInitiation h && Arrays.equals(bytes, h.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "HandshakeInitiation[sender=" + String.format("%08x", sender()) + "]";
    }
}
