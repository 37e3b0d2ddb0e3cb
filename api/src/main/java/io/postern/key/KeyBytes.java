package io.postern.key;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;

/** Shared checks for the 32-byte key values; package-private so the key types stay the only API. */
final class KeyBytes {
    static final int LENGTH = 32;

    private KeyBytes() {}

    static byte[] copyChecked(byte[] bytes, String what) {
        if (bytes == null) {
            throw new IllegalArgumentException(what + " is missing");
        }
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException(what + " must be " + LENGTH + " bytes, got " + bytes.length);
        }
        return bytes.clone();
    }

    static byte[] decodeBase64(String text, String what) {
        if (text == null) {
            throw new IllegalArgumentException(what + " is missing");
        }
        String trimmed = text.strip();
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(trimmed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not valid base64", e);
        }
        if (decoded.length != LENGTH) {
            Arrays.fill(decoded, (byte) 0);
            throw new IllegalArgumentException(what + " must decode to " + LENGTH + " bytes, got " + decoded.length);
        }
        return decoded;
    }

    static boolean constantTimeEquals(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }
}
