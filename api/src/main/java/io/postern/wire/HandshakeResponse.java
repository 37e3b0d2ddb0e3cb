package io.postern.wire;

import java.util.Arrays;

/**
 * Handshake response, type 2, 92 bytes: type/reserved 4, sender 4, receiver 4, ephemeral 32,
 * encrypted empty 16, mac1 16, mac2 16. Holds a copy of the message bytes.
 *
 * @param bytes the whole 92-byte message (owned by this record; do not modify)
 */
public record HandshakeResponse(byte[] bytes) implements WireMessage {
    /** Message size in bytes. */
    public static final int SIZE = 92;
    /** Offset of the sender index. */
    public static final int SENDER_OFFSET = 4;
    /** Offset of the receiver index. */
    public static final int RECEIVER_OFFSET = 8;
    /** Offset of the ephemeral public key. */
    public static final int EPHEMERAL_OFFSET = 12;
    /** Offset of the encrypted empty payload (16-byte tag). */
    public static final int EMPTY_OFFSET = 44;
    /** Offset of mac1. */
    public static final int MAC1_OFFSET = 60;
    /** Offset of mac2. */
    public static final int MAC2_OFFSET = 76;

    /** Parses a whole datagram as a response; the bytes are copied. */
    public static Parsed<HandshakeResponse> parse(byte[] buf, int offset, int length) {
        WireRejection r = WireCodec.checkHeader(buf, offset, length, MessageType.HANDSHAKE_RESPONSE, SIZE);
        if (r != null) {
            return r.rejected();
        }
        return new Parsed.Ok<>(new HandshakeResponse(Arrays.copyOfRange(buf, offset, offset + SIZE)));
    }

    /** @return the responder's sender index */
    public int sender() {
        return LittleEndian.getInt(bytes, SENDER_OFFSET);
    }

    /** @return the initiator's index this response answers */
    public int receiver() {
        return LittleEndian.getInt(bytes, RECEIVER_OFFSET);
    }

    @Override
    public MessageType type() {
        return MessageType.HANDSHAKE_RESPONSE;
    }

    /** Writes the message into {@code out} at {@code offset}; returns {@link #SIZE}. */
    public int writeTo(byte[] out, int offset) {
        System.arraycopy(bytes, 0, out, offset, SIZE);
        return SIZE;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HandshakeResponse h && Arrays.equals(bytes, h.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "HandshakeResponse[sender=" + String.format("%08x", sender())
                + ", receiver=" + String.format("%08x", receiver()) + "]";
    }
}
