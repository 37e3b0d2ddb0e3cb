package io.postern.crypto.bc;

import io.postern.crypto.primitive.NonceAead;
import io.postern.spi.crypto.Aead;
import io.postern.wire.LittleEndian;
import java.util.Arrays;
import org.bouncycastle.crypto.CipherParameters;
import org.bouncycastle.crypto.engines.ChaCha7539Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * ChaCha20-Poly1305 (RFC 8439 §2.8) under one key with an explicit 12-byte nonce, composed from
 * Bouncy Castle's {@link ChaCha7539Engine} and {@link Poly1305}: the Poly1305 key is the first 32
 * bytes of ChaCha20 block 0, the data is encrypted from block 1, the tag covers
 * aad ‖ pad16 ‖ ciphertext ‖ pad16 ‖ le64(aad length) ‖ le64(ciphertext length).
 *
 * <p>An instance holds only its 32-byte key, as four longs (48 bytes of heap with the object
 * header); the cipher and MAC state, and the parameters that carry key and nonce into the cipher,
 * are per thread ({@link Workspace}), re-initialised for every packet anyway. The key is written
 * into the thread's {@link KeyParameter} for the ChaCha20 key setup and wiped from it right
 * after. Nothing is allocated per packet on our side. Opening checks the tag (constant time) before decrypting, so
 * in-place use is fine. The per-thread ChaCha20 state keeps the expanded key of the last packet
 * that thread processed until its next packet.
 */
final class BouncyCastleChaChaNonceAead implements NonceAead {
    private static final int NONCE_LENGTH = 12;
    private static final int TAG_LENGTH = Aead.TAG_LENGTH;
    private static final byte[] ZEROES = new byte[15];
    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    /** The key, little-endian: bytes 0–7, 8–15, 16–23, 24–31. */
    private long k0;
    private long k1;
    private long k2;
    private long k3;
    private boolean destroyed;

    BouncyCastleChaChaNonceAead(byte[] key) {
        if (key == null || key.length != Aead.KEY_LENGTH) {
            throw new IllegalArgumentException("ChaCha20-Poly1305 key must be 32 bytes");
        }
        this.k0 = LittleEndian.getLong(key, 0);
        this.k1 = LittleEndian.getLong(key, 8);
        this.k2 = LittleEndian.getLong(key, 16);
        this.k3 = LittleEndian.getLong(key, 24);
    }

    @Override
    public int nonceLength() {
        return NONCE_LENGTH;
    }

    @Override
    public int seal(byte[] nonce, byte[] aad, byte[] in, int inOffset, int length, byte[] out, int outOffset) {
        if (!usable(nonce) || length < 0) {
            return -1;
        }
        try {
            Workspace w = start(nonce);
            w.chacha.processBytes(in, inOffset, length, out, outOffset);
            w.mac(aad, out, outOffset, length, out, outOffset + length);
            return length + TAG_LENGTH;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    @Override
    public int open(byte[] nonce, byte[] aad, byte[] in, int inOffset, int length, byte[] out, int outOffset) {
        if (!usable(nonce) || length < TAG_LENGTH) {
            return -1;
        }
        int cipherLength = length - TAG_LENGTH;
        try {
            Workspace w = start(nonce);
            w.mac(aad, in, inOffset, cipherLength, w.tag, 0);
            if (!w.tagMatches(in, inOffset + cipherLength)) {
                return -1;
            }
            w.chacha.processBytes(in, inOffset, cipherLength, out, outOffset);
            return cipherLength;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private boolean usable(byte[] nonce) {
        return !destroyed && nonce != null && nonce.length == NONCE_LENGTH;
    }

    /** Keys this thread's ChaCha20 with our key and {@code nonce} and its Poly1305 with block 0. */
    private Workspace start(byte[] nonce) {
        Workspace w = WORKSPACE.get();
        byte[] key = w.key.getKey(); // Bouncy Castle's own array, not a copy
        LittleEndian.putLong(key, 0, k0);
        LittleEndian.putLong(key, 8, k1);
        LittleEndian.putLong(key, 16, k2);
        LittleEndian.putLong(key, 24, k3);
        w.keyAndNonce.key = w.key;
        System.arraycopy(nonce, 0, w.keyAndNonce.getIV(), 0, NONCE_LENGTH);
        w.chacha.init(true, w.keyAndNonce);
        w.keyAndNonce.key = null;
        Arrays.fill(key, (byte) 0);
        byte[] block = w.block;
        Arrays.fill(block, (byte) 0);
        w.chacha.processBytes(block, 0, block.length, block, 0); // block 0; data starts at block 1
        byte[] polyKey = w.polyKey.getKey();
        System.arraycopy(block, 0, polyKey, 0, polyKey.length);
        w.poly.init(w.polyKey);
        Arrays.fill(block, (byte) 0);
        Arrays.fill(polyKey, (byte) 0);
        return w;
    }

    @Override
    public void destroy() {
        destroyed = true;
        k0 = 0;
        k1 = 0;
        k2 = 0;
        k3 = 0;
    }

    /** One thread's ChaCha20 and Poly1305 state and scratch buffers. */
    private static final class Workspace {
        final ChaCha7539Engine chacha = new ChaCha7539Engine();
        final KeyAndNonce keyAndNonce = new KeyAndNonce();
        /** The key of the packet being set up, only during {@code chacha.init}. */
        final KeyParameter key = new KeyParameter(new byte[Aead.KEY_LENGTH]);
        final Poly1305 poly = new Poly1305();
        final byte[] block = new byte[64];
        /** Bouncy Castle hands out its own array from getKey(): the one-time key is written there. */
        final KeyParameter polyKey = new KeyParameter(new byte[32]);
        final byte[] lengths = new byte[16];
        final byte[] tag = new byte[TAG_LENGTH];

        /** Poly1305 over aad ‖ pad16 ‖ ciphertext ‖ pad16 ‖ lengths, written to {@code out}. */
        void mac(byte[] aad, byte[] cipher, int offset, int length, byte[] out, int outOffset) {
            int aadLength = aad == null ? 0 : aad.length;
            if (aadLength > 0) {
                poly.update(aad, 0, aadLength);
                pad(aadLength);
            }
            poly.update(cipher, offset, length);
            pad(length);
            LittleEndian.putLong(lengths, 0, aadLength);
            LittleEndian.putLong(lengths, 8, length);
            poly.update(lengths, 0, lengths.length);
            poly.doFinal(out, outOffset);
        }

        private void pad(int length) {
            int rest = length & 15;
            if (rest != 0) {
                poly.update(ZEROES, 0, 16 - rest);
            }
        }

        boolean tagMatches(byte[] in, int offset) {
            int diff = 0;
            for (int i = 0; i < TAG_LENGTH; i++) {
                diff |= tag[i] ^ in[offset + i];
            }
            return diff == 0;
        }
    }

    /**
     * ChaCha20's init parameters with the key chosen per packet: Bouncy Castle reads the key through
     * {@link #getParameters()} and the nonce from {@link #getIV()}, which is this object's own array
     * (written before each init), so one instance per thread serves every key.
     */
    private static final class KeyAndNonce extends ParametersWithIV {
        KeyParameter key;

        KeyAndNonce() {
            super(null, new byte[NONCE_LENGTH]);
        }

        @Override
        public CipherParameters getParameters() {
            return key;
        }
    }
}
