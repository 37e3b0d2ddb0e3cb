package io.postern.key;

import java.util.Arrays;
import java.util.Base64;

/**
 * A Curve25519 private key. Its bytes never appear in {@link #toString()}; {@link #destroy()}
 * zeroes them (the JVM may still hold copies elsewhere: keys cannot be reliably erased from a
 * garbage-collected heap, so this is best effort, as wireguard-go also admits).
 *
 * <p>The bytes are kept as given; X25519 clamps them when they are used, as RFC 7748 says.
 */
public final class PrivateKey {
    /** Key length in bytes. */
    public static final int LENGTH = KeyBytes.LENGTH;

    private final byte[] bytes;
    private volatile boolean destroyed;

    private PrivateKey(byte[] owned) {
        this.bytes = owned;
    }

    /** @throws IllegalArgumentException if {@code bytes} is not 32 bytes long */
    public static PrivateKey of(byte[] bytes) {
        return new PrivateKey(KeyBytes.copyChecked(bytes, "private key"));
    }

    /** @throws IllegalArgumentException naming what is wrong if the text is not a base64 32-byte key */
    public static PrivateKey fromBase64(String text) {
        return new PrivateKey(KeyBytes.decodeBase64(text, "private key"));
    }

    /** @return a copy of the key bytes; the caller should zero it after use */
    public byte[] toBytes() {
        if (destroyed) {
            throw new IllegalStateException("private key was destroyed");
        }
        return bytes.clone();
    }

    /** @return the base64 form, as {@code wg genkey} prints it (for writing the key file only) */
    public String toBase64() {
        return Base64.getEncoder().encodeToString(toBytes());
    }

    /** Zeroes the key bytes; later use throws {@link IllegalStateException}. */
    public void destroy() {
        destroyed = true;
        Arrays.fill(bytes, (byte) 0);
    }

    /** @return whether {@link #destroy()} was called */
    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PrivateKey other && KeyBytes.constantTimeEquals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return 0; // deliberately constant: no key-derived value leaves this object
    }

    @Override
    public String toString() {
        return "PrivateKey[redacted]";
    }
}
