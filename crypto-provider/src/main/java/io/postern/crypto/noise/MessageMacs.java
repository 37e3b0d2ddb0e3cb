package io.postern.crypto.noise;

import io.postern.key.PublicKey;
import io.postern.spi.crypto.Blake2s;
import io.postern.spi.crypto.Blake2sDigest;
import io.postern.spi.crypto.HandshakeProtocol;
import io.postern.wire.HandshakeInitiation;
import io.postern.wire.HandshakeResponse;
import io.postern.wire.MessageType;
import java.security.MessageDigest;

/**
 * mac1 and mac2 of handshake messages (WireGuard paper §5.4.4; docs/protocol.md): MAC is keyed
 * BLAKE2s with a 16-byte output; mac1 = MAC(HASH(LABEL_MAC1 ‖ S_receiver_pub), msg up to mac1),
 * mac2 = MAC(cookie, msg up to mac2).
 */
final class MessageMacs {
    static final int MAC_LENGTH = HandshakeProtocol.MAC_LENGTH;

    private MessageMacs() {}

    /** @return HASH(label ‖ public key): the mac1 key (LABEL_MAC1) or the cookie-reply key (LABEL_COOKIE) */
    static byte[] labelKey(Blake2s blake2s, byte[] label, PublicKey publicKey) {
        return blake2s.hash(label, publicKey.toBytes());
    }

    /** Writes MAC(key, data[offset, offset+length)) (16 bytes) to {@code out[outOffset]}. */
    static void mac(Blake2s blake2s, byte[] key, byte[] data, int offset, int length, byte[] out, int outOffset) {
        Blake2sDigest d = blake2s.newDigest(MAC_LENGTH, key);
        d.update(data, offset, length);
        d.doFinal(out, outOffset);
    }

    /**
     * @return the offset of mac1 within a handshake message of {@code length} bytes whose type byte
     *         is {@code type}, or -1 when it is neither a whole initiation nor a whole response
     */
    static int mac1Offset(byte[] msg, int offset, int length) {
        if (msg == null || offset < 0 || length < 4 || offset + length > msg.length
                || (msg[offset + 1] | msg[offset + 2] | msg[offset + 3]) != 0) {
            return -1;
        }
        int type = msg[offset] & 0xff;
        if (type == MessageType.HANDSHAKE_INITIATION.code() && length == HandshakeInitiation.SIZE) {
            return HandshakeInitiation.MAC1_OFFSET;
        }
        if (type == MessageType.HANDSHAKE_RESPONSE.code() && length == HandshakeResponse.SIZE) {
            return HandshakeResponse.MAC1_OFFSET;
        }
        return -1;
    }

    /** @return whether the 16-byte MAC over {@code msg[offset, offset+macOffset)} under {@code key} is at {@code macOffset} */
    static boolean verify(Blake2s blake2s, byte[] key, byte[] msg, int offset, int macOffset) {
        byte[] expected = new byte[MAC_LENGTH];
        mac(blake2s, key, msg, offset, macOffset, expected, 0);
        byte[] actual = new byte[MAC_LENGTH];
        System.arraycopy(msg, offset + macOffset, actual, 0, MAC_LENGTH);
        return MessageDigest.isEqual(expected, actual);
    }
}
