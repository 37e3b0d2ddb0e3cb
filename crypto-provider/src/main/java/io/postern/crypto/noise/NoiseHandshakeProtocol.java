package io.postern.crypto.noise;

import io.postern.key.StaticKeyPair;
import io.postern.key.PresharedKey;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.spi.crypto.Aead;
import io.postern.spi.crypto.CryptoProvider;
import io.postern.spi.crypto.HandshakeProtocol;
import io.postern.spi.crypto.HandshakeRejection;
import io.postern.spi.crypto.HandshakeResult;
import io.postern.wire.CookieReply;
import io.postern.wire.HandshakeInitiation;
import io.postern.wire.LittleEndian;
import io.postern.wire.MessageType;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.function.Predicate;

/**
 * WireGuard v1's handshake for one local static identity (docs/protocol.md "Handshake"): Noise IKpsk2
 * via {@link IkHandshake} with CONSTRUCTION and IDENTIFIER from {@link WireGuardConstruction},
 * the wire layouts of {@code io.postern.wire}, mac1/mac2 via {@link MessageMacs} and cookies via
 * {@link CookieChecker}. Thread-safe; the handshake objects it returns are not.
 */
final class NoiseHandshakeProtocol implements HandshakeProtocol {
    private final CryptoProvider crypto;
    private final byte[] localPrivate;
    private final PublicKey localPublic;
    private final byte[] mac1Key;
    private final CookieChecker cookies;
    private final StaticSecretCache staticSecrets;

    NoiseHandshakeProtocol(CryptoProvider crypto, StaticKeyPair localStatic, InstantSource clock, SecureRandom random) {
        this.crypto = crypto;
        this.localPrivate = localStatic.privateKey().toBytes();
        this.localPublic = localStatic.publicKey();
        this.mac1Key = MessageMacs.labelKey(crypto.blake2s(), WireGuardConstruction.LABEL_MAC1_BYTES, localPublic);
        this.cookies = new CookieChecker(crypto, localPublic, clock, random);
        this.staticSecrets = new StaticSecretCache(crypto.x25519(), crypto.blake2s(), localPrivate, random);
    }

    @Override
    public PublicKey localPublicKey() {
        return localPublic;
    }

    // ---- initiator ----------------------------------------------------------------------------

    @Override
    public HandshakeResult<InitiatorHandshake> initiate(PublicKey remoteStatic, PresharedKey psk, int senderIndex,
                                                        byte[] timestamp, byte[] cookie) {
        if (timestamp == null || timestamp.length != TIMESTAMP_LENGTH) {
            throw new IllegalArgumentException("timestamp must be " + TIMESTAMP_LENGTH + " bytes");
        }
        if (cookie != null && cookie.length != MAC_LENGTH) {
            throw new IllegalArgumentException("cookie must be " + MAC_LENGTH + " bytes");
        }
        byte[] msg = new byte[HandshakeInitiation.SIZE];
        msg[0] = (byte) MessageType.HANDSHAKE_INITIATION.code();
        LittleEndian.putInt(msg, HandshakeInitiation.SENDER_OFFSET, senderIndex);
        StaticKeyPair ephemeral = crypto.x25519().generateKeyPair();
        IkHandshake handshake = IkHandshake.initiator(crypto, WireGuardConstruction.CONSTRUCTION,
                WireGuardConstruction.IDENTIFIER_BYTES, true, localPrivate, localPublic, remoteStatic, ephemeral,
                staticSecrets);
        ephemeral.privateKey().destroy();
        HandshakeRejection r = handshake.writeMessageA(timestamp, 0, TIMESTAMP_LENGTH, msg,
                HandshakeInitiation.EPHEMERAL_OFFSET);
        if (r != null) {
            handshake.destroy();
            return HandshakeResult.failure(r);
        }
        byte[] remoteMac1Key = MessageMacs.labelKey(crypto.blake2s(), WireGuardConstruction.LABEL_MAC1_BYTES,
                remoteStatic);
        writeMacs(msg, HandshakeInitiation.MAC1_OFFSET, remoteMac1Key, cookie);
        byte[] mac1 = Arrays.copyOfRange(msg, HandshakeInitiation.MAC1_OFFSET,
                HandshakeInitiation.MAC1_OFFSET + MAC_LENGTH);
        return HandshakeResult.success(new NoiseInitiatorHandshake(this, handshake, msg, senderIndex, mac1,
                psk.toBytes()));
    }

    // ---- responder ----------------------------------------------------------------------------

    @Override
    public boolean verifyMac1(byte[] msg, int offset, int length) {
        int mac1Offset = MessageMacs.mac1Offset(msg, offset, length);
        return mac1Offset >= 0 && MessageMacs.verify(crypto.blake2s(), mac1Key, msg, offset, mac1Offset);
    }

    @Override
    public boolean verifyMac2(byte[] msg, int offset, int length, Endpoint source) {
        return cookies.verifyMac2(msg, offset, length, source);
    }

    /** @return the cookie reply, or {@code null} when {@code msg} is not a whole initiation or response */
    @Override
    public byte[] createCookieReply(byte[] msg, int offset, int length, int receiverIndex, Endpoint source) {
        return cookies.createReply(msg, offset, length, receiverIndex, source);
    }

    @Override
    public HandshakeResult<ResponderHandshake> consumeInitiation(byte[] msg, int offset, int length) {
        return consume(msg, offset, length, null);
    }

    /**
     * Order of work for an initiation (responder CPU is what a flood spends): mac1 (a BLAKE2s), then
     * DH(S_local, E_remote) to decrypt the initiator's static key, then {@code admits} — a refused key
     * stops here, one DH in all —, then the static-static DH (cached for admitted keys only) and the
     * timestamp. The responder's ephemeral key is made only when it responds.
     */
    @Override
    public HandshakeResult<ResponderHandshake> consumeInitiation(byte[] msg, int offset, int length,
                                                                 Predicate<PublicKey> admits) {
        return consume(msg, offset, length, rs -> admits.test(PublicKey.of(rs)));
    }

    private HandshakeResult<ResponderHandshake> consume(byte[] msg, int offset, int length,
                                                        Predicate<byte[]> admitStatic) {
        if (MessageMacs.mac1Offset(msg, offset, length) != HandshakeInitiation.MAC1_OFFSET) {
            return HandshakeResult.failure(HandshakeRejection.MALFORMED);
        }
        // The caller should have checked mac1 already; checking again costs one BLAKE2s, no DH.
        if (!MessageMacs.verify(crypto.blake2s(), mac1Key, msg, offset, HandshakeInitiation.MAC1_OFFSET)) {
            return HandshakeResult.failure(HandshakeRejection.MAC1_INVALID);
        }
        IkHandshake handshake = IkHandshake.responder(crypto, WireGuardConstruction.CONSTRUCTION,
                WireGuardConstruction.IDENTIFIER_BYTES, true, localPrivate, localPublic, null, staticSecrets);
        byte[] timestamp = new byte[TIMESTAMP_LENGTH];
        HandshakeRejection r = handshake.readMessageA(msg, offset + HandshakeInitiation.EPHEMERAL_OFFSET,
                HandshakeInitiation.MAC1_OFFSET - HandshakeInitiation.EPHEMERAL_OFFSET, timestamp, admitStatic);
        if (r != null) {
            handshake.destroy();
            return HandshakeResult.failure(r);
        }
        int remoteIndex = LittleEndian.getInt(msg, offset + HandshakeInitiation.SENDER_OFFSET);
        return HandshakeResult.success(new NoiseResponderHandshake(this, handshake,
                PublicKey.of(handshake.remoteStatic()), remoteIndex, timestamp));
    }

    @Override
    public HandshakeResult<byte[]> consumeCookieReply(byte[] msg, int offset, int length, byte[] mac1Sent,
                                                      PublicKey remoteStatic) {
        if (msg == null || offset < 0 || length != CookieReply.SIZE || offset + length > msg.length
                || (msg[offset] & 0xff) != MessageType.COOKIE_REPLY.code()
                || (msg[offset + 1] | msg[offset + 2] | msg[offset + 3]) != 0
                || mac1Sent == null || mac1Sent.length != MAC_LENGTH || remoteStatic == null) {
            return HandshakeResult.failure(HandshakeRejection.MALFORMED);
        }
        byte[] key = MessageMacs.labelKey(crypto.blake2s(), WireGuardConstruction.LABEL_COOKIE_BYTES, remoteStatic);
        byte[] nonce = Arrays.copyOfRange(msg, offset + CookieReply.NONCE_OFFSET, offset + CookieReply.COOKIE_OFFSET);
        byte[] cookie = new byte[MAC_LENGTH];
        int n = crypto.xChaCha20Poly1305().open(key, nonce, mac1Sent, msg, offset + CookieReply.COOKIE_OFFSET,
                MAC_LENGTH + Aead.TAG_LENGTH, cookie, 0);
        Arrays.fill(key, (byte) 0);
        return n == MAC_LENGTH
                ? HandshakeResult.success(cookie)
                : HandshakeResult.failure(HandshakeRejection.COOKIE_DECRYPT_FAILED);
    }

    @Override
    public void rotateCookieSecretNow() {
        cookies.rotateNow();
    }

    // ---- shared with the handshake objects ------------------------------------------------------

    CryptoProvider crypto() {
        return crypto;
    }

    /** @return whether mac1 of a whole handshake message is keyed by this identity */
    boolean mac1Matches(byte[] msg, int offset, int mac1Offset) {
        return MessageMacs.verify(crypto.blake2s(), mac1Key, msg, offset, mac1Offset);
    }

    /** Writes mac1 under {@code remoteMac1Key} and mac2 (from {@code cookie}, or zeros) into {@code msg}. */
    void writeMacs(byte[] msg, int mac1Offset, byte[] remoteMac1Key, byte[] cookie) {
        MessageMacs.mac(crypto.blake2s(), remoteMac1Key, msg, 0, mac1Offset, msg, mac1Offset);
        int mac2Offset = mac1Offset + MAC_LENGTH;
        if (cookie != null) {
            MessageMacs.mac(crypto.blake2s(), cookie, msg, 0, mac2Offset, msg, mac2Offset);
        } else {
            Arrays.fill(msg, mac2Offset, mac2Offset + MAC_LENGTH, (byte) 0);
        }
    }

    /** @return transport keys from a finished handshake */
    SessionKeys transportKeys(IkHandshake handshake) {
        byte[] send = handshake.sendingKey();
        byte[] receive = handshake.receivingKey();
        try {
            return new NoiseTransportKeys(crypto.chaCha20Poly1305().key(send), crypto.chaCha20Poly1305().key(receive));
        } finally {
            Arrays.fill(send, (byte) 0);
            Arrays.fill(receive, (byte) 0);
        }
    }

    /** Zeroes the copy of the local private key and the cached static-static secrets. */
    @Override
    public void destroy() {
        staticSecrets.clear();
        Arrays.fill(localPrivate, (byte) 0);
    }

    /** @return whether every byte of the local private key copy is zero (tests) */
    boolean privateKeyZeroed() {
        for (byte b : localPrivate) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** @return the number of remote static keys whose DH(S_local, S_remote) is cached */
    int cachedStaticSecrets() {
        return staticSecrets.size();
    }

    @Override
    public String toString() {
        return "NoiseHandshakeProtocol[" + localPublic.shortForm() + ", " + crypto.name() + "]";
    }
}
