package io.postern.gateway.uapi;

import java.util.HexFormat;

/**
 * The UAPI's key encoding: 32 bytes as 64 lower-case hex digits (wireguard-tools accepts either case,
 * wireguard-go writes lower case). Key text is never quoted in an error message.
 */
public final class HexKey {
    /** Bytes in a Curve25519 or preshared key. */
    public static final int LENGTH = 32;
    private static final HexFormat HEX = HexFormat.of();

    private HexKey() {}

    /** @return the 64 hex digits of {@code key} */
    public static String encode(byte[] key) {
        if (key.length != LENGTH) {
            throw new IllegalArgumentException("a key has " + LENGTH + " bytes, not " + key.length);
        }
        return HEX.formatHex(key);
    }

    /**
     * @param name what the key is, for the message ("public_key")
     * @return the 32 bytes of {@code text}
     * @throws UapiException (EINVAL) when it is not 64 hex digits
     */
    public static byte[] decode(String text, String name) throws UapiException {
        if (text.length() != 2 * LENGTH) {
            throw new UapiException(UapiException.EINVAL, name + ": " + text.length() + " characters, not " + 2 * LENGTH
                    + " hex digits");
        }
        try {
            return HEX.parseHex(text);
        } catch (IllegalArgumentException e) {
            throw new UapiException(UapiException.EINVAL, name + ": not hex digits");
        }
    }

    /** @return whether every byte is zero (the UAPI's "no preshared key", "no private key") */
    public static boolean isZero(byte[] key) {
        int acc = 0;
        for (byte b : key) {
            acc |= b;
        }
        return acc == 0;
    }
}
