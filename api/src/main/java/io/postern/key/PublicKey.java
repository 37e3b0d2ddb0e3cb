package io.postern.key;

import java.util.Arrays;
import java.util.Base64;

/**
 * A Curve25519 public key: a peer's or the gateway's static identity. Immutable.
 *
 * <p>Text form is standard base64 (44 characters), the form {@code wg pubkey} prints.
 * {@link #toString()} shows the shortened form ({@code "AbCd…"} — the first 8 base64 characters),
 * which is what logs show.
 */
public final class PublicKey {
    /** Key length in bytes. */
    public static final int LENGTH = KeyBytes.LENGTH;

    private final byte[] bytes;
    private final int hash;

    private PublicKey(byte[] owned) {
        this.bytes = owned;
        this.hash = Arrays.hashCode(owned);
    }

    /** @throws IllegalArgumentException if {@code bytes} is not 32 bytes long */
    public static PublicKey of(byte[] bytes) {
        return new PublicKey(KeyBytes.copyChecked(bytes, "public key"));
    }

    /** Copies 32 bytes starting at {@code offset}. */
    public static PublicKey of(byte[] source, int offset) {
        return new PublicKey(Arrays.copyOfRange(source, offset, offset + LENGTH));
    }

    /** @throws IllegalArgumentException naming what is wrong if the text is not a base64 32-byte key */
    public static PublicKey fromBase64(String text) {
        return new PublicKey(KeyBytes.decodeBase64(text, "public key"));
    }

    /** @return a copy of the 32 key bytes */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** Copies the key into {@code out} at {@code offset}. */
    public void copyTo(byte[] out, int offset) {
        System.arraycopy(bytes, 0, out, offset, LENGTH);
    }

    /** @return the full base64 form, as {@code wg} prints it */
    public String toBase64() {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** @return the first 8 base64 characters followed by an ellipsis, for logs and status lines */
    public String shortForm() {
        return toBase64().substring(0, 8) + "…";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PublicKey other && KeyBytes.constantTimeEquals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return shortForm();
    }
}
