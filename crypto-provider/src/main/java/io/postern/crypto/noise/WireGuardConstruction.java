package io.postern.crypto.noise;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * WireGuard v1's protocol constants under their spec names (docs/protocol.md "Primitives"; WireGuard
 * paper §5.4; wireguard-go device/noise-protocol.go and device/cookie.go).
 */
final class WireGuardConstruction {
    // ---- specification ----------------------------------------------------------------------

    /** The Noise protocol name; C0 = HASH(CONSTRUCTION). */
    static final String CONSTRUCTION = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s";
    /** The Noise prologue; H0 = HASH(C0 ‖ IDENTIFIER). */
    static final String IDENTIFIER = "WireGuard v1 zx2c4 Jason@zx2c4.com";
    /** mac1 key = HASH(LABEL_MAC1 ‖ receiver's static public key). */
    static final String LABEL_MAC1 = "mac1----";
    /** Cookie reply key = HASH(LABEL_COOKIE ‖ responder's static public key). */
    static final String LABEL_COOKIE = "cookie--";
    /** The cookie secret is renewed this often (wireguard-go CookieRefreshTime). */
    static final Duration COOKIE_REFRESH_TIME = Duration.ofSeconds(120);

    static final byte[] IDENTIFIER_BYTES = IDENTIFIER.getBytes(StandardCharsets.US_ASCII);
    static final byte[] LABEL_MAC1_BYTES = LABEL_MAC1.getBytes(StandardCharsets.US_ASCII);
    static final byte[] LABEL_COOKIE_BYTES = LABEL_COOKIE.getBytes(StandardCharsets.US_ASCII);

    private WireGuardConstruction() {}
}
