package io.postern.spi.crypto;

/** Why a handshake step failed. Each is counted; none is an exception. */
public enum HandshakeRejection {
    /** The message is not the length or type the step expects. */
    MALFORMED,
    /** mac1 does not match this identity's key. */
    MAC1_INVALID,
    /** The encrypted static key did not authenticate. */
    STATIC_DECRYPT_FAILED,
    /** The encrypted timestamp did not authenticate. */
    TIMESTAMP_DECRYPT_FAILED,
    /** The response's empty payload did not authenticate (wrong keys, wrong preshared key, or forged). */
    RESPONSE_DECRYPT_FAILED,
    /** A Diffie-Hellman result was all zeros: a low-order public key. */
    LOW_ORDER_POINT,
    /** A cookie reply did not authenticate. */
    COOKIE_DECRYPT_FAILED,
    /** The initiator's static key authenticated but admission refused it (no static-static DH was done). */
    NOT_ADMITTED
}
