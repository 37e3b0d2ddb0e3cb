package io.postern.spi.crypto;

import io.postern.key.PresharedKey;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;

/**
 * WireGuard v1's handshake for one local static identity (docs/protocol.md "Handshake"), both roles,
 * plus the mac1/mac2/cookie layer (docs/protocol.md and WireGuard paper §5.4.7).
 *
 * <p>Thread-safe; the per-handshake state objects it returns are not (one thread at a time).
 * Message arguments are whole wire messages ({@code msg[offset, offset+length)}) exactly as
 * received or sent, including the mac1 and mac2 fields. Every method returns failures as values;
 * none throws for malformed or unauthenticated input.
 */
public interface HandshakeProtocol {
    /** Length of mac1 and mac2 and of a cookie. */
    int MAC_LENGTH = 16;
    /** TAI64N timestamp length. */
    int TIMESTAMP_LENGTH = 12;

    /** @return the local static public key this instance answers for */
    PublicKey localPublicKey();

    // ---- initiator ----------------------------------------------------------------------

    /**
     * Builds a complete handshake initiation (type 1, 148 bytes) to {@code remoteStatic}: mac1
     * keyed by the remote's public key; mac2 from {@code cookie} when one is given, else zeros.
     *
     * @param senderIndex the local index the response will name as receiver
     * @param timestamp   12-byte TAI64N of now (see {@link io.postern.wire.Tai64n})
     * @param cookie      a 16-byte cookie younger than 120 s from this responder, or {@code null}
     * @return the handshake state; {@link HandshakeResult.Failure} only when the remote key is a
     *         low-order point
     */
    HandshakeResult<InitiatorHandshake> initiate(PublicKey remoteStatic, PresharedKey psk, int senderIndex,
                                                 byte[] timestamp, byte[] cookie);

    // ---- responder ----------------------------------------------------------------------

    /**
     * Checks mac1 of a handshake initiation or response addressed to this identity. Cheap (one
     * keyed BLAKE2s): call it before any Diffie-Hellman work.
     */
    boolean verifyMac1(byte[] msg, int offset, int length);

    /**
     * Checks mac2 of a handshake message against the cookie this node would give {@code source}
     * now (or during the previous cookie-secret period).
     */
    boolean verifyMac2(byte[] msg, int offset, int length, Endpoint source);

    /**
     * Builds a cookie reply (type 3, 64 bytes) to a handshake message from {@code source}:
     * cookie = MAC(secret, source IP ‖ port), sealed with XChaCha20-Poly1305 under
     * HASH("cookie--" ‖ local public key) with the message's mac1 as associated data.
     *
     * @param receiverIndex the sender index of the message being answered
     */
    byte[] createCookieReply(byte[] msg, int offset, int length, int receiverIndex, Endpoint source);

    /**
     * Consumes a handshake initiation whose mac1 already verified: decrypts the initiator's static
     * key and timestamp. It does not judge admission, timestamps or policy: the caller does.
     */
    HandshakeResult<ResponderHandshake> consumeInitiation(byte[] msg, int offset, int length);

    /**
     * As {@link #consumeInitiation(byte[], int, int)}, asking {@code admits} about the initiator's
     * static key as soon as it is decrypted: a key it refuses fails with
     * {@link HandshakeRejection#NOT_ADMITTED} before the static-static Diffie-Hellman, so a forged
     * initiation from an unknown key costs one DH. An implementation should also make its own
     * ephemeral key only when it responds. The default checks after the whole message was consumed.
     */
    default HandshakeResult<ResponderHandshake> consumeInitiation(byte[] msg, int offset, int length,
                                                                  java.util.function.Predicate<PublicKey> admits) {
        HandshakeResult<ResponderHandshake> r = consumeInitiation(msg, offset, length);
        if (r instanceof HandshakeResult.Success<ResponderHandshake>(ResponderHandshake hs)
                && !admits.test(hs.remoteStatic())) {
            hs.destroy();
            return HandshakeResult.failure(HandshakeRejection.NOT_ADMITTED);
        }
        return r;
    }

    /**
     * Opens a cookie reply (type 3) sent in answer to a message whose mac1 was {@code mac1Sent}.
     *
     * @param remoteStatic the public key of the responder that sent it
     * @return the 16-byte cookie, or a failure when it does not authenticate
     */
    HandshakeResult<byte[]> consumeCookieReply(byte[] msg, int offset, int length, byte[] mac1Sent,
                                               PublicKey remoteStatic);

    /**
     * Renews the cookie secret now, as its rotation timer would (tests: a cookie made before is
     * then stale). Implementations without cookies ignore it.
     */
    default void rotateCookieSecretNow() {}

    /**
     * Zeroes what this protocol holds of the local static private key and every secret derived from
     * it (cached static-static results), as far as the JVM allows. The engine calls it once when it
     * closes; no other method may be called afterwards. The default does nothing.
     */
    default void destroy() {}

    // ---- shared ---------------------------------------------------------------------------

    /** The two session keys (send, receive) a completed handshake derives; {@link #destroy()} zeroes them. */
    interface SessionKeys {
        /** @return the key this side sends with */
        AeadKey sending();

        /** @return the key this side receives with */
        AeadKey receiving();

        /** Zeroes both keys (best effort). */
        default void destroy() {
            sending().destroy();
            receiving().destroy();
        }
    }

    /** An initiation in flight: the message sent and the state to finish with the response. */
    interface InitiatorHandshake {
        /** @return the 148-byte initiation to send (a copy is not made: do not modify) */
        byte[] message();

        /** @return the local sender index written in the message */
        int senderIndex();

        /** @return the mac1 of {@link #message()}, the AD a cookie reply to it is sealed with */
        byte[] mac1();

        /**
         * Consumes a handshake response (type 2) for this initiation: verifies its mac1, runs the
         * remaining Diffie-Hellman steps and derives the transport keys.
         */
        HandshakeResult<SessionKeys> consumeResponse(byte[] msg, int offset, int length);

        /** Zeroes the chaining key, hash and ephemeral private key. */
        void destroy();
    }

    /** A consumed initiation, waiting for the caller's decision to answer it. */
    interface ResponderHandshake {
        /** @return the initiator's static public key (authenticated by the AEAD) */
        PublicKey remoteStatic();

        /** @return the initiator's sender index, which the response names as receiver */
        int remoteIndex();

        /** @return the decrypted 12-byte TAI64N timestamp */
        byte[] timestamp();

        /**
         * Builds the handshake response (type 2, 92 bytes) and derives the transport keys.
         *
         * @param psk         the preshared key configured for {@link #remoteStatic()}, or
         *                    {@link PresharedKey#NONE}
         * @param senderIndex the local index for the new session
         * @param cookie      a cookie from the initiator, or {@code null} (mac2 = zeros)
         */
        HandshakeResult<Response> respond(PresharedKey psk, int senderIndex, byte[] cookie);

        /** Zeroes the handshake state. */
        void destroy();
    }

    /**
     * @param message the 92-byte response to send
     * @param keys    the responder's transport keys
     */
    record Response(byte[] message, SessionKeys keys) {}
}
