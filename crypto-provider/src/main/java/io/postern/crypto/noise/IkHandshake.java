package io.postern.crypto.noise;

import io.postern.key.StaticKeyPair;
import io.postern.key.PublicKey;
import io.postern.spi.crypto.Aead;
import io.postern.spi.crypto.CryptoProvider;
import io.postern.spi.crypto.HandshakeRejection;
import java.util.Arrays;
import java.util.function.Predicate;

/**
 * The two messages of Noise pattern IK, and IKpsk2 when built with a preshared-key slot (Noise spec
 * rev. 34 §7.5 and §9): {@code <- s; ... -> e, es, s, ss; <- e, ee, se[, psk]}. In a psk pattern
 * every {@code e} token also does MixKey(e.pub) (§9.2). One instance is one side of one handshake;
 * not thread-safe.
 *
 * <p>Reading a message works on a copy of the symmetric state and commits only when the whole
 * message authenticated, so a forged message never changes the state of a handshake in flight.
 * All-zero Diffie-Hellman results are rejected ({@link HandshakeRejection#LOW_ORDER_POINT}), as
 * WireGuard requires.
 */
final class IkHandshake {
    static final int KEY_LENGTH = 32;
    /** Message A without its payload: e (32), encrypted s (32 + 16), payload tag (16). */
    static final int MESSAGE_A_OVERHEAD = KEY_LENGTH + KEY_LENGTH + 2 * Aead.TAG_LENGTH;
    /** Message B without its payload: e (32), payload tag (16). */
    static final int MESSAGE_B_OVERHEAD = KEY_LENGTH + Aead.TAG_LENGTH;

    private final CryptoProvider crypto;
    private final boolean initiator;
    private final boolean psk2;
    private final byte[] localStaticPrivate;
    private final PublicKey localStatic;
    private final StaticSecret staticSecret;
    private byte[] ephemeralPrivate; // a responder makes its ephemeral key only when it writes message B
    private byte[] ephemeralPublic;
    private SymmetricState state;
    private byte[] remoteStatic;
    private byte[] remoteEphemeral;
    private byte[][] transportKeys;

    private IkHandshake(CryptoProvider crypto, String protocolName, byte[] prologue, boolean initiator,
                        boolean psk2, byte[] localStaticPrivate, PublicKey localStatic, byte[] remoteStatic,
                        StaticKeyPair ephemeral, StaticSecret staticSecret) {
        this.crypto = crypto;
        this.initiator = initiator;
        this.psk2 = psk2;
        this.localStaticPrivate = localStaticPrivate;
        this.localStatic = localStatic;
        this.staticSecret = staticSecret;
        if (ephemeral != null) {
            this.ephemeralPrivate = ephemeral.privateKey().toBytes();
            this.ephemeralPublic = ephemeral.publicKey().toBytes();
        }
        this.remoteStatic = remoteStatic;
        this.state = SymmetricState.initialize(crypto, protocolName);
        state.mixHash(prologue);
        // Pre-message "<- s": both sides hash the responder's static key.
        state.mixHash(initiator ? remoteStatic : localStatic.toBytes());
    }

    /**
     * @param localStaticPrivate the local static private key; referenced, not copied or zeroed
     * @param ephemeral          a fresh ephemeral key pair (a fixed one only in known-answer tests); a
     *                           responder may pass null: it then makes one when it writes message B
     * @param staticSecret       DH(local static, remote static), possibly from a cache
     */
    static IkHandshake initiator(CryptoProvider crypto, String protocolName, byte[] prologue, boolean psk2,
                                 byte[] localStaticPrivate, PublicKey localStatic, PublicKey remoteStatic,
                                 StaticKeyPair ephemeral, StaticSecret staticSecret) {
        return new IkHandshake(crypto, protocolName, prologue, true, psk2, localStaticPrivate, localStatic,
                remoteStatic.toBytes(), ephemeral, staticSecret);
    }

    /** @see #initiator */
    static IkHandshake responder(CryptoProvider crypto, String protocolName, byte[] prologue, boolean psk2,
                                 byte[] localStaticPrivate, PublicKey localStatic, StaticKeyPair ephemeral,
                                 StaticSecret staticSecret) {
        return new IkHandshake(crypto, protocolName, prologue, false, psk2, localStaticPrivate, localStatic,
                null, ephemeral, staticSecret);
    }

    // ---- message A: -> e, es, s, ss ------------------------------------------------------------

    /**
     * Writes message A ({@link #MESSAGE_A_OVERHEAD} + payload bytes) at {@code out[outOffset]}.
     *
     * @return {@code null} on success, else why it failed (only {@code LOW_ORDER_POINT})
     */
    HandshakeRejection writeMessageA(byte[] payload, int payloadOffset, int payloadLength, byte[] out,
                                     int outOffset) {
        int p = outOffset;
        System.arraycopy(ephemeralPublic, 0, out, p, KEY_LENGTH);
        p += KEY_LENGTH;
        mixEphemeral(state, ephemeralPublic);
        byte[] dh = new byte[KEY_LENGTH];
        try {
            if (!crypto.x25519().sharedSecret(ephemeralPrivate, remoteStatic, dh)) {
                return HandshakeRejection.LOW_ORDER_POINT; // es
            }
            state.mixKey(dh);
            p += state.encryptAndHash(localStatic.toBytes(), 0, KEY_LENGTH, out, p);
            if (!staticSecret.compute(remoteStatic, dh)) {
                return HandshakeRejection.LOW_ORDER_POINT; // ss
            }
            state.mixKey(dh);
            state.encryptAndHash(payload, payloadOffset, payloadLength, out, p);
            return null;
        } finally {
            Arrays.fill(dh, (byte) 0);
        }
    }

    /**
     * Reads message A, learning the initiator's static key, and writes its payload to
     * {@code payloadOut} (which needs {@code length - MESSAGE_A_OVERHEAD} bytes).
     *
     * @return {@code null} on success, else why it failed
     */
    HandshakeRejection readMessageA(byte[] msg, int offset, int length, byte[] payloadOut) {
        return readMessageA(msg, offset, length, payloadOut, null);
    }

    /**
     * As {@link #readMessageA(byte[], int, int, byte[])}, asking {@code admitStatic} (null: admit
     * all) about the initiator's static key right after it is decrypted, before the static-static DH.
     */
    HandshakeRejection readMessageA(byte[] msg, int offset, int length, byte[] payloadOut,
                                    Predicate<byte[]> admitStatic) {
        if (length < MESSAGE_A_OVERHEAD || payloadOut.length < length - MESSAGE_A_OVERHEAD) {
            return HandshakeRejection.MALFORMED;
        }
        SymmetricState trial = state.copy();
        byte[] re = Arrays.copyOfRange(msg, offset, offset + KEY_LENGTH);
        mixEphemeral(trial, re);
        byte[] dh = new byte[KEY_LENGTH];
        byte[] rs = new byte[KEY_LENGTH];
        try {
            if (!crypto.x25519().sharedSecret(localStaticPrivate, re, dh)) {
                return reject(trial, HandshakeRejection.LOW_ORDER_POINT); // es
            }
            trial.mixKey(dh);
            int p = offset + KEY_LENGTH;
            if (trial.decryptAndHash(msg, p, KEY_LENGTH + Aead.TAG_LENGTH, rs, 0) < 0) {
                return reject(trial, HandshakeRejection.STATIC_DECRYPT_FAILED);
            }
            p += KEY_LENGTH + Aead.TAG_LENGTH;
            if (admitStatic != null && !admitStatic.test(rs)) {
                return reject(trial, HandshakeRejection.NOT_ADMITTED);
            }
            if (!staticSecret.compute(rs, dh)) {
                return reject(trial, HandshakeRejection.LOW_ORDER_POINT); // ss
            }
            trial.mixKey(dh);
            if (trial.decryptAndHash(msg, p, offset + length - p, payloadOut, 0) < 0) {
                return reject(trial, HandshakeRejection.TIMESTAMP_DECRYPT_FAILED);
            }
        } finally {
            Arrays.fill(dh, (byte) 0);
        }
        commit(trial);
        remoteEphemeral = re;
        remoteStatic = rs;
        return null;
    }

    // ---- message B: <- e, ee, se[, psk] ---------------------------------------------------------

    /**
     * Writes message B ({@link #MESSAGE_B_OVERHEAD} + payload bytes) and derives the transport keys.
     *
     * @param psk the preshared key for a psk2 pattern (32 bytes), ignored for IK
     * @return {@code null} on success, else why it failed (only {@code LOW_ORDER_POINT})
     */
    HandshakeRejection writeMessageB(byte[] psk, byte[] payload, int payloadOffset, int payloadLength, byte[] out,
                                     int outOffset) {
        if (ephemeralPrivate == null) {
            StaticKeyPair ephemeral = crypto.x25519().generateKeyPair();
            ephemeralPrivate = ephemeral.privateKey().toBytes();
            ephemeralPublic = ephemeral.publicKey().toBytes();
            ephemeral.privateKey().destroy();
        }
        int p = outOffset;
        System.arraycopy(ephemeralPublic, 0, out, p, KEY_LENGTH);
        p += KEY_LENGTH;
        mixEphemeral(state, ephemeralPublic);
        byte[] dh = new byte[KEY_LENGTH];
        try {
            if (!crypto.x25519().sharedSecret(ephemeralPrivate, remoteEphemeral, dh)) {
                return HandshakeRejection.LOW_ORDER_POINT; // ee
            }
            state.mixKey(dh);
            if (!crypto.x25519().sharedSecret(ephemeralPrivate, remoteStatic, dh)) {
                return HandshakeRejection.LOW_ORDER_POINT; // se
            }
            state.mixKey(dh);
            if (psk2) {
                state.mixKeyAndHash(psk);
            }
            state.encryptAndHash(payload, payloadOffset, payloadLength, out, p);
        } finally {
            Arrays.fill(dh, (byte) 0);
        }
        transportKeys = state.split();
        return null;
    }

    /**
     * Reads message B and derives the transport keys; writes its payload to {@code payloadOut}.
     *
     * @param psk the preshared key for a psk2 pattern (32 bytes), ignored for IK
     * @return {@code null} on success, else why it failed
     */
    HandshakeRejection readMessageB(byte[] psk, byte[] msg, int offset, int length, byte[] payloadOut) {
        if (length < MESSAGE_B_OVERHEAD || payloadOut.length < length - MESSAGE_B_OVERHEAD) {
            return HandshakeRejection.MALFORMED;
        }
        SymmetricState trial = state.copy();
        byte[] re = Arrays.copyOfRange(msg, offset, offset + KEY_LENGTH);
        mixEphemeral(trial, re);
        byte[] dh = new byte[KEY_LENGTH];
        try {
            if (!crypto.x25519().sharedSecret(ephemeralPrivate, re, dh)) {
                return reject(trial, HandshakeRejection.LOW_ORDER_POINT); // ee
            }
            trial.mixKey(dh);
            if (!crypto.x25519().sharedSecret(localStaticPrivate, re, dh)) {
                return reject(trial, HandshakeRejection.LOW_ORDER_POINT); // se
            }
            trial.mixKey(dh);
            if (psk2) {
                trial.mixKeyAndHash(psk);
            }
            int p = offset + KEY_LENGTH;
            if (trial.decryptAndHash(msg, p, offset + length - p, payloadOut, 0) < 0) {
                return reject(trial, HandshakeRejection.RESPONSE_DECRYPT_FAILED);
            }
        } finally {
            Arrays.fill(dh, (byte) 0);
        }
        commit(trial);
        remoteEphemeral = re;
        transportKeys = state.split();
        return null;
    }

    // ---- results -------------------------------------------------------------------------------

    /** @return the remote static public key: known from the start (initiator) or after message A */
    byte[] remoteStatic() {
        return remoteStatic.clone();
    }

    /** @return h, the handshake hash (after message B: Noise's GetHandshakeHash()) */
    byte[] handshakeHash() {
        return state.handshakeHash();
    }

    /** @return the key this side sends with after the handshake (Split's first output for the initiator) */
    byte[] sendingKey() {
        return (initiator ? transportKeys[0] : transportKeys[1]).clone();
    }

    /** @return the key this side receives with after the handshake */
    byte[] receivingKey() {
        return (initiator ? transportKeys[1] : transportKeys[0]).clone();
    }

    /** @return whether chaining key, hash and ephemeral private key are all zero */
    boolean isZeroed() {
        byte acc = 0;
        for (byte b : ephemeralPrivate == null ? new byte[0] : ephemeralPrivate) {
            acc |= b;
        }
        return acc == 0 && state.isZeroed();
    }

    /** Zeroes the chaining key, hash, cipher key, ephemeral private key and split keys (best effort). */
    void destroy() {
        state.destroy();
        if (ephemeralPrivate != null) {
            Arrays.fill(ephemeralPrivate, (byte) 0);
        }
        if (transportKeys != null) {
            Arrays.fill(transportKeys[0], (byte) 0);
            Arrays.fill(transportKeys[1], (byte) 0);
        }
    }

    private void mixEphemeral(SymmetricState s, byte[] ephemeral) {
        s.mixHash(ephemeral);
        if (psk2) {
            s.mixKey(ephemeral);
        }
    }

    private void commit(SymmetricState trial) {
        state.destroy();
        state = trial;
    }

    private static HandshakeRejection reject(SymmetricState trial, HandshakeRejection reason) {
        trial.destroy();
        return reason;
    }
}
