package io.postern.wire;

import java.util.Arrays;

/**
 * Cookie reply, type 3, 64 bytes: type/reserved 4, receiver 4, nonce 24, encrypted cookie 32.
 *
 * @param bytes the whole 64-byte message (owned by this record; do not modify)
 */
public record CookieReply(byte[] bytes) implements WireMessage {
    /** Message size in bytes. */
    public static final int SIZE = 64;
    /** Offset of the receiver index. */
    public static final int RECEIVER_OFFSET = 4;
    /** Offset of the 24-byte nonce. */
    public static final int NONCE_OFFSET = 8;
    /** Offset of the encrypted cookie (16 + 16 tag). */
    public static final int COOKIE_OFFSET = 32;

    /** Parses a whole datagram as a cookie reply; the bytes are copied. */
    public static Parsed<CookieReply> parse(byte[] buf, int offset, int length) {
        WireRejection r = WireCodec.checkHeader(buf, offset, length, MessageType.COOKIE_REPLY, SIZE);
        if (r != null) {
            return r.rejected();
        }
        return new Parsed.Ok<>(new CookieReply(Arrays.copyOfRange(buf, offset, offset + SIZE)));
    }

    /** @return the index of the handshake message this reply answers */
    public int receiver() {
        return LittleEndian.getInt(bytes, RECEIVER_OFFSET);
    }

    @Override
    public MessageType type() {
        return MessageType.COOKIE_REPLY;
    }

    /** Writes the message into {@code out} at {@code offset}; returns {@link #SIZE}. */
    public int writeTo(byte[] out, int offset) {
        System.arraycopy(bytes, 0, out, offset, SIZE);
        return SIZE;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CookieReply h && Arrays.equals(bytes, h.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "CookieReply[receiver=" + String.format("%08x", receiver()) + "]";
    }
}
