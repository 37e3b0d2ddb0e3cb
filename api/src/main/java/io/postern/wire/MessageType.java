package io.postern.wire;

/** The four WireGuard v1 message types; byte 0 of every message, bytes 1–3 zero. */
public enum MessageType {
    /** Type 1, 148 bytes. */
    HANDSHAKE_INITIATION(1),
    /** Type 2, 92 bytes. */
    HANDSHAKE_RESPONSE(2),
    /** Type 3, 64 bytes. */
    COOKIE_REPLY(3),
    /** Type 4, 16-byte header + at least a 16-byte tag. */
    TRANSPORT_DATA(4);

    private final int code;

    MessageType(int code) {
        this.code = code;
    }

    /** @return the value of byte 0 */
    public int code() {
        return code;
    }

    /** @return the type for byte 0, or {@code null} if it is not one of the four */
    public static MessageType ofCode(int code) {
        return switch (code) {
            case 1 -> HANDSHAKE_INITIATION;
            case 2 -> HANDSHAKE_RESPONSE;
            case 3 -> COOKIE_REPLY;
            case 4 -> TRANSPORT_DATA;
            default -> null;
        };
    }
}
