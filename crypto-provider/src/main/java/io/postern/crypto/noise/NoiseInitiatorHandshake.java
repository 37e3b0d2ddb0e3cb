package io.postern.crypto.noise;

import io.postern.spi.crypto.HandshakeProtocol;
import io.postern.spi.crypto.HandshakeRejection;
import io.postern.spi.crypto.HandshakeResult;
import io.postern.wire.HandshakeResponse;
import io.postern.wire.LittleEndian;
import java.util.Arrays;

/** An initiation sent and waiting for its response. Single use; not thread-safe. */
final class NoiseInitiatorHandshake implements HandshakeProtocol.InitiatorHandshake {
    private final NoiseHandshakeProtocol protocol;
    private final IkHandshake handshake;
    private final byte[] message;
    private final int senderIndex;
    private final byte[] mac1;
    private final byte[] psk;
    private boolean done;

    NoiseInitiatorHandshake(NoiseHandshakeProtocol protocol, IkHandshake handshake, byte[] message, int senderIndex,
                            byte[] mac1, byte[] psk) {
        this.protocol = protocol;
        this.handshake = handshake;
        this.message = message;
        this.senderIndex = senderIndex;
        this.mac1 = mac1;
        this.psk = psk;
    }

    @Override
    public byte[] message() {
        return message;
    }

    @Override
    public int senderIndex() {
        return senderIndex;
    }

    @Override
    public byte[] mac1() {
        return mac1.clone();
    }

    /**
     * {@inheritDoc}
     *
     * <p>A response that fails leaves this handshake as it was, so the genuine response can still
     * complete it. After a success, or after {@link #destroy()}, every call gives {@code MALFORMED}.
     * A response naming another receiver index is {@code MALFORMED} too.
     */
    @Override
    public HandshakeResult<HandshakeProtocol.SessionKeys> consumeResponse(byte[] msg, int offset, int length) {
        if (done || MessageMacs.mac1Offset(msg, offset, length) != HandshakeResponse.MAC1_OFFSET
                || LittleEndian.getInt(msg, offset + HandshakeResponse.RECEIVER_OFFSET) != senderIndex) {
            return HandshakeResult.failure(HandshakeRejection.MALFORMED);
        }
        if (!protocol.mac1Matches(msg, offset, HandshakeResponse.MAC1_OFFSET)) {
            return HandshakeResult.failure(HandshakeRejection.MAC1_INVALID);
        }
        HandshakeRejection r = handshake.readMessageB(psk, msg, offset + HandshakeResponse.EPHEMERAL_OFFSET,
                HandshakeResponse.MAC1_OFFSET - HandshakeResponse.EPHEMERAL_OFFSET, new byte[0]);
        if (r != null) {
            return HandshakeResult.failure(r);
        }
        HandshakeProtocol.SessionKeys keys = protocol.transportKeys(handshake);
        destroy();
        return HandshakeResult.success(keys);
    }

    @Override
    public void destroy() {
        done = true;
        handshake.destroy();
        Arrays.fill(psk, (byte) 0);
    }

    /** @return whether chaining key, hash and ephemeral private key are zero (for tests) */
    boolean isZeroed() {
        return handshake.isZeroed();
    }
}
