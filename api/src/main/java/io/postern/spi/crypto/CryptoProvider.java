package io.postern.spi.crypto;

/**
 * A set of the primitives WireGuard v1 uses (docs/protocol.md "Primitives"): X25519,
 * ChaCha20-Poly1305, XChaCha20-Poly1305 and BLAKE2s (hash, keyed MAC, HMAC).
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader} ({@code provides
 * io.postern.spi.crypto.CryptoProvider with …}) and selected by {@link #name()} from the
 * configuration key {@code CryptoProvider}. A provider must have a public no-argument
 * constructor, must be thread-safe (the objects it hands out document their own rules), and must
 * pass every known-answer vector that applies (the contract test in crypto-provider).
 */
public interface CryptoProvider {
    /** @return the stable name configuration selects it by, e.g. {@code "bouncycastle"}, {@code "jca"} */
    String name();

    /** @return one sentence for {@code postern policies} and the docs: what backs each primitive */
    String description();

    /** @return X25519 (RFC 7748) */
    X25519 x25519();

    /** @return ChaCha20-Poly1305 (RFC 8439) with WireGuard's nonce: 4 zero bytes ‖ 64-bit LE counter */
    Aead chaCha20Poly1305();

    /** @return XChaCha20-Poly1305 with a 24-byte nonce, used only for cookie replies */
    XAead xChaCha20Poly1305();

    /** @return BLAKE2s (RFC 7693) hashing, keyed MAC and HMAC-BLAKE2s (RFC 2104, block 64) */
    Blake2s blake2s();
}
