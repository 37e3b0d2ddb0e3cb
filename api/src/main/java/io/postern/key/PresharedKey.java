package io.postern.key;

import java.util.Arrays;

/**
 * WireGuard's optional symmetric key Q mixed into the handshake (docs/protocol.md: 32 zero bytes when
 * none is configured). Never printed.
 */
public final class PresharedKey {
    /** Key length in bytes. */
    public static final int LENGTH = KeyBytes.LENGTH;

    /** The all-zero key used when a peer has no preshared key. */
    public static final PresharedKey NONE = new PresharedKey(new byte[LENGTH]);

    private final byte[] bytes;

    private PresharedKey(byte[] owned) {
        this.bytes = owned;
    }

    /** @throws IllegalArgumentException if {@code bytes} is not 32 bytes long */
    public static PresharedKey of(byte[] bytes) {
        return new PresharedKey(KeyBytes.copyChecked(bytes, "preshared key"));
    }

    /** @throws IllegalArgumentException naming what is wrong if the text is not a base64 32-byte key */
    public static PresharedKey fromBase64(String text) {
        return new PresharedKey(KeyBytes.decodeBase64(text, "preshared key"));
    }

    /** @return a copy of the key bytes; the caller should zero it after use */
    public byte[] toBytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PresharedKey other && KeyBytes.constantTimeEquals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return 0;
    }

    @Override
    public String toString() {
        return Arrays.equals(bytes, NONE.bytes) ? "PresharedKey[none]" : "PresharedKey[redacted]";
    }
}
