package io.postern.spi.crypto;

/** ChaCha20-Poly1305 (RFC 8439) as WireGuard uses it. Thread-safe factory of keyed instances. */
public interface Aead {
    /** Key length in bytes. */
    int KEY_LENGTH = 32;
    /** Authentication tag length in bytes. */
    int TAG_LENGTH = 16;

    /**
     * @param key 32 bytes; copied, so the caller may zero its array afterwards
     * @return a keyed instance
     */
    AeadKey key(byte[] key);
}
