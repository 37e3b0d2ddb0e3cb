package io.postern.crypto.jca;

import io.postern.crypto.primitive.NonceAead;
import io.postern.crypto.primitive.Poly1305;
import io.postern.spi.crypto.Aead;
import java.io.Serial;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.ChaCha20ParameterSpec;

/**
 * ChaCha20-Poly1305 (RFC 8439 §2.8) under one key with an explicit 12-byte nonce: ChaCha20 from
 * the JDK's {@code Cipher("ChaCha20")}, Poly1305 from {@link Poly1305}. One initialisation per
 * packet at block counter 0: the first 64 bytes of keystream give the Poly1305 key (its first
 * 32), the data is encrypted from block 1 on, and the tag covers aad ‖ pad16 ‖ ciphertext ‖
 * pad16 ‖ le64(aad length) ‖ le64(ciphertext length).
 *
 * <p>An instance holds only its key ({@link ChaCha20RawKey}, 48 bytes); the Cipher, the Poly1305
 * state and the scratch blocks are per thread. Per packet the JDK allocates a little on
 * initialisation (the key copy it keeps, the parameter spec, its stream engine: about 150 bytes),
 * far less than its ChaCha20-Poly1305 {@code Cipher}, which builds a new Poly1305 every time.
 *
 * <p>Opening computes and compares the tag ({@link MessageDigest#isEqual}, constant time) before
 * it decrypts, so in-place use is fine and a forged packet costs no decryption. The JDK refuses to
 * initialise for encryption with the key and nonce of the previous initialisation (any mode); as
 * in {@link JcaChaChaNonceAead} the thread then gets a fresh Cipher. Opening initialises in
 * decryption mode, which the JDK does not check (the keystream is the same).
 */
final class SplitChaChaNonceAead extends ChaCha20RawKey implements NonceAead {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final String TRANSFORMATION = "ChaCha20";
    private static final int NONCE_LENGTH = 12;
    private static final int TAG_LENGTH = Aead.TAG_LENGTH;
    /** Block 0's input: encrypting zeroes gives the keystream itself. Never written. */
    private static final byte[] ZERO_BLOCK = new byte[64];
    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    SplitChaChaNonceAead(byte[] key) {
        super(key);
    }

    @Override
    public int nonceLength() {
        return NONCE_LENGTH;
    }

    @Override
    public int seal(byte[] nonce, byte[] aad, byte[] in, int inOffset, int length, byte[] out, int outOffset) {
        if (!usableWith(nonce) || length < 0) {
            return -1;
        }
        Workspace w = WORKSPACE.get();
        try {
            Cipher chacha = w.start(Cipher.ENCRYPT_MODE, this, nonce);
            if (chacha.update(in, inOffset, length, out, outOffset) != length) {
                return -1;
            }
            w.mac(aad, out, outOffset, length, out, outOffset + length);
            return length + TAG_LENGTH;
        } catch (GeneralSecurityException | RuntimeException e) {
            WORKSPACE.remove();
            return -1;
        }
    }

    @Override
    public int open(byte[] nonce, byte[] aad, byte[] in, int inOffset, int length, byte[] out, int outOffset) {
        if (!usableWith(nonce) || length < TAG_LENGTH) {
            return -1;
        }
        int cipherLength = length - TAG_LENGTH;
        Workspace w = WORKSPACE.get();
        try {
            Cipher chacha = w.start(Cipher.DECRYPT_MODE, this, nonce);
            w.mac(aad, in, inOffset, cipherLength, w.tag, 0);
            System.arraycopy(in, inOffset + cipherLength, w.received, 0, TAG_LENGTH);
            if (!MessageDigest.isEqual(w.tag, w.received)) {
                return -1;
            }
            return chacha.update(in, inOffset, cipherLength, out, outOffset) == cipherLength ? cipherLength : -1;
        } catch (GeneralSecurityException | RuntimeException e) {
            WORKSPACE.remove();
            return -1;
        }
    }

    // destroy(), from ChaCha20RawKey, zeroes the key.

    /** One thread's ChaCha20 Cipher, Poly1305 and scratch blocks. */
    private static final class Workspace {
        Cipher chacha = newCipher();
        final Poly1305 poly = new Poly1305();
        final byte[] block = new byte[64];
        final byte[] tag = new byte[TAG_LENGTH];
        final byte[] received = new byte[TAG_LENGTH];

        /** Keys the Cipher at block 0 and Poly1305 with block 0's first half; the Cipher is then at block 1. */
        Cipher start(int mode, ChaCha20RawKey key, byte[] nonce) throws GeneralSecurityException {
            ChaCha20ParameterSpec spec = new ChaCha20ParameterSpec(nonce, 0);
            try {
                chacha.init(mode, key, spec);
            } catch (InvalidKeyException repeated) {
                if (mode != Cipher.ENCRYPT_MODE) {
                    throw repeated;
                }
                // Same key and nonce as this Cipher's previous initialisation: a fresh Cipher accepts them.
                chacha = newCipher();
                chacha.init(mode, key, spec);
            }
            chacha.update(ZERO_BLOCK, 0, ZERO_BLOCK.length, block, 0);
            poly.init(block, 0);
            Arrays.fill(block, (byte) 0);
            return chacha;
        }

        /** Poly1305 over aad ‖ pad16 ‖ ciphertext ‖ pad16 ‖ lengths, written to {@code out}. */
        void mac(byte[] aad, byte[] cipher, int offset, int length, byte[] out, int outOffset) {
            int aadLength = aad == null ? 0 : aad.length;
            if (aadLength > 0) {
                poly.updatePadded(aad, 0, aadLength);
            }
            poly.updatePadded(cipher, offset, length);
            poly.update(aadLength, length);
            poly.finish(out, outOffset);
        }

        private static Cipher newCipher() {
            try {
                return Cipher.getInstance(TRANSFORMATION);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the JDK has no " + TRANSFORMATION + " Cipher", e);
            }
        }
    }
}
