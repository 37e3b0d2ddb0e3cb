package io.postern.wire;

/** Entry point for classifying and parsing a received datagram. */
public final class WireCodec {
    private WireCodec() {}

    /**
     * Parses a datagram as whichever of the four messages its type byte says.
     *
     * @return the message, or the reason it is not one; never throws for any input
     */
    public static Parsed<? extends WireMessage> parse(byte[] buf, int offset, int length) {
        if (length < 4) {
            return WireRejection.TOO_SHORT.rejected();
        }
        MessageType type = MessageType.ofCode(buf[offset] & 0xff);
        if (type == null) {
            return WireRejection.UNKNOWN_TYPE.rejected();
        }
        return switch (type) {
            case HANDSHAKE_INITIATION -> HandshakeInitiation.parse(buf, offset, length);
            case HANDSHAKE_RESPONSE -> HandshakeResponse.parse(buf, offset, length);
            case COOKIE_REPLY -> CookieReply.parse(buf, offset, length);
            case TRANSPORT_DATA -> DataMessage.parse(buf, offset, length);
        };
    }

    /**
     * Whether the datagram is a data message that {@link #parse} would accept — type 4, zero reserved
     * bytes, at least {@link DataMessage#MIN_SIZE} — checked in place, allocating nothing (the data
     * path reads the receiver index and counter straight from the buffer). The same rule as
     * {@link DataMessage#parse}, by construction.
     */
    public static boolean isWellFormedData(byte[] buf, int offset, int length) {
        return checkHeader(buf, offset, length, MessageType.TRANSPORT_DATA, -1) == null;
    }

    /**
     * Checks the 4-byte header and the length of a message expected to be of {@code type}.
     *
     * @param exactSize the required size, or -1 for transport data (at least {@link DataMessage#MIN_SIZE})
     * @return {@code null} when the header and length are valid, else the rejection
     */
    static WireRejection checkHeader(byte[] buf, int offset, int length, MessageType type, int exactSize) {
        if (buf == null || offset < 0 || length < 4 || offset + length > buf.length) {
            return WireRejection.TOO_SHORT;
        }
        if ((buf[offset] & 0xff) != type.code()) {
            return WireRejection.UNKNOWN_TYPE;
        }
        if ((buf[offset + 1] | buf[offset + 2] | buf[offset + 3]) != 0) {
            return WireRejection.NONZERO_RESERVED;
        }
        if (exactSize < 0) {
            return length < DataMessage.MIN_SIZE ? WireRejection.TRANSPORT_TOO_SHORT : null;
        }
        return length == exactSize ? null : WireRejection.WRONG_LENGTH;
    }
}
