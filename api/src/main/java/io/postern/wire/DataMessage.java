package io.postern.wire;

/**
 * A data message (the paper's "transport data message", {@link MessageType#TRANSPORT_DATA}, type 4):
 * type/reserved 4, receiver 4, counter 8 (LE), then the encrypted payload (payload zero-padded to
 * a multiple of 16, plus the 16-byte tag; an empty payload is a keepalive).
 *
 * <p>This is a <em>view</em>: it refers to the caller's buffer without copying (the hot path), so
 * it is valid only while that buffer is.
 *
 * @param buffer           the datagram buffer
 * @param offset           where the message starts in {@code buffer}
 * @param length           the message length
 * @param receiver         the receiver index
 * @param counter          the nonce counter (unsigned 64-bit)
 */
public record DataMessage(byte[] buffer, int offset, int length, int receiver, long counter) implements WireMessage {
    /** Header size in bytes. */
    public static final int HEADER_SIZE = 16;
    /** Smallest message: header plus an authentication tag (a keepalive). */
    public static final int MIN_SIZE = HEADER_SIZE + 16;
    /** Offset of the receiver index. */
    public static final int RECEIVER_OFFSET = 4;
    /** Offset of the counter. */
    public static final int COUNTER_OFFSET = 8;
    /** Payloads are zero-padded to a multiple of this before encryption. */
    public static final int PADDING_MULTIPLE = 16;

    /** Parses a datagram as transport data without copying it. */
    public static Parsed<DataMessage> parse(byte[] buf, int offset, int length) {
        WireRejection r = WireCodec.checkHeader(buf, offset, length, MessageType.TRANSPORT_DATA, -1);
        if (r != null) {
            return r.rejected();
        }
        return new Parsed.Ok<>(new DataMessage(buf, offset, length,
                LittleEndian.getInt(buf, offset + RECEIVER_OFFSET),
                LittleEndian.getLong(buf, offset + COUNTER_OFFSET)));
    }

    /** @return offset of the ciphertext (payload + tag) in {@link #buffer()} */
    public int ciphertextOffset() {
        return offset + HEADER_SIZE;
    }

    /** @return length of the ciphertext including the tag */
    public int ciphertextLength() {
        return length - HEADER_SIZE;
    }

    /** Writes a transport header (type 4, receiver, counter) at {@code offset}. */
    public static void writeHeader(byte[] out, int offset, int receiver, long counter) {
        out[offset] = (byte) MessageType.TRANSPORT_DATA.code();
        out[offset + 1] = 0;
        out[offset + 2] = 0;
        out[offset + 3] = 0;
        LittleEndian.putInt(out, offset + RECEIVER_OFFSET, receiver);
        LittleEndian.putLong(out, offset + COUNTER_OFFSET, counter);
    }

    /** @return {@code length} rounded up to the padding multiple (16) */
    public static int paddedLength(int length) {
        return (length + PADDING_MULTIPLE - 1) & -PADDING_MULTIPLE;
    }

    /**
     * The padded length of a payload sent over a tunnel with this MTU (wireguard-go
     * {@code calculatePaddingSize}): rounded up to a multiple of 16, but never beyond the MTU, so a
     * 1,409–1,420-byte packet on a 1,420-byte tunnel stays 1,420 bytes; a payload larger than the MTU
     * is padded as its last MTU-sized unit would be.
     *
     * @param length the payload length
     * @param mtu    the tunnel MTU, or 0 for none (plain multiple of 16)
     */
    public static int paddedLength(int length, int mtu) {
        if (mtu <= 0) {
            return paddedLength(length);
        }
        int lastUnit = length > mtu ? length % mtu : length;
        int padded = Math.min(paddedLength(lastUnit), mtu);
        return length + (padded - lastUnit);
    }

    @Override
    public MessageType type() {
        return MessageType.TRANSPORT_DATA;
    }

    @Override
    public String toString() {
        return "DataMessage[receiver=" + String.format("%08x", receiver) + ", counter="
                + Long.toUnsignedString(counter) + ", length=" + length + "]";
    }
}
