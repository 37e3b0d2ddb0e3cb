package io.postern.crypto.noise;

import io.postern.key.PresharedKey;
import io.postern.key.PublicKey;
import io.postern.spi.crypto.HandshakeProtocol;
import io.postern.spi.crypto.HandshakeRejection;
import io.postern.spi.crypto.HandshakeResult;
import io.postern.wire.HandshakeResponse;
import io.postern.wire.LittleEndian;
import io.postern.wire.MessageType;
import java.util.Arrays;

/** An authenticated initiation waiting for the caller's decision to answer it. Single use; not thread-safe. */
final class NoiseResponderHandshake implements HandshakeProtocol.ResponderHandshake {
    private final NoiseHandshakeProtocol protocol;
    private final IkHandshake handshake;
    private final PublicKey remoteStatic;
    private final int remoteIndex;
    private final byte[] timestamp;
    private boolean done;

    NoiseResponderHandshake(NoiseHandshakeProtocol protocol, IkHandshake handshake, PublicKey remoteStatic,
                            int remoteIndex, byte[] timestamp) {
        this.protocol = protocol;
        this.handshake = handshake;
        this.remoteStatic = remoteStatic;
        this.remoteIndex = remoteIndex;
        this.timestamp = timestamp;
    }

    @Override
    public PublicKey remoteStatic() {
        return remoteStatic;
    }

    @Override
    public int remoteIndex() {
        return remoteIndex;
    }

    @Override
    public byte[] timestamp() {
        return timestamp.clone();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Single use: after a response was built, or after {@link #destroy()}, gives {@code MALFORMED}.
     */
    @Override
    public HandshakeResult<HandshakeProtocol.Response> respond(PresharedKey psk, int senderIndex, byte[] cookie) {
        if (done) {
            return HandshakeResult.failure(HandshakeRejection.MALFORMED);
        }
        if (cookie != null && cookie.length != HandshakeProtocol.MAC_LENGTH) {
            throw new IllegalArgumentException("cookie must be " + HandshakeProtocol.MAC_LENGTH + " bytes");
        }
        byte[] msg = new byte[HandshakeResponse.SIZE];
        msg[0] = (byte) MessageType.HANDSHAKE_RESPONSE.code();
        LittleEndian.putInt(msg, HandshakeResponse.SENDER_OFFSET, senderIndex);
        LittleEndian.putInt(msg, HandshakeResponse.RECEIVER_OFFSET, remoteIndex);
        byte[] q = psk.toBytes();
        HandshakeRejection r;
        try {
            r = handshake.writeMessageB(q, new byte[0], 0, 0, msg, HandshakeResponse.EPHEMERAL_OFFSET);
        } finally {
            Arrays.fill(q, (byte) 0);
        }
        if (r != null) {
            destroy();
            return HandshakeResult.failure(r);
        }
        byte[] remoteMac1Key = MessageMacs.labelKey(protocol.crypto().blake2s(),
                WireGuardConstruction.LABEL_MAC1_BYTES, remoteStatic);
        protocol.writeMacs(msg, HandshakeResponse.MAC1_OFFSET, remoteMac1Key, cookie);
        HandshakeProtocol.SessionKeys keys = protocol.transportKeys(handshake);
        destroy();
        return HandshakeResult.success(new HandshakeProtocol.Response(msg, keys));
    }

    @Override
    public void destroy() {
        done = true;
        handshake.destroy();
    }

    /** @return whether chaining key, hash and ephemeral private key are zero (for tests) */
    boolean isZeroed() {
        return handshake.isZeroed();
    }
}
