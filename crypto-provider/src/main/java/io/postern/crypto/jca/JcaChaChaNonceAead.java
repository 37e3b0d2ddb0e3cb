package io.postern.crypto.jca;

import io.postern.crypto.primitive.NonceAead;
import io.postern.spi.crypto.Aead;
import java.io.Serial;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;

/**
 * ChaCha20-Poly1305 under one key with an explicit 12-byte nonce, on the JDK's
 * {@code Cipher("ChaCha20-Poly1305")}.
 *
 * <p>An instance holds only its key: it extends {@link ChaCha20RawKey} and hands itself to the
 * Cipher as the key, so a keyed instance is one 48-byte object. The {@link Cipher} is per thread (a
 * JDK Cipher weighs over a kilobyte and is re-initialised for every packet anyway). The per-thread Cipher keeps a copy of the
 * key of the last packet that thread processed until its next initialisation.
 *
 * <p>The JDK refuses to initialise a Cipher for encryption with the same key and nonce as its
 * previous initialisation (InvalidKeyException "Matching key and nonce from previous
 * initialization"), whatever the previous mode was. When that happens this class gives the thread a
 * fresh Cipher and initialises that one instead of failing.
 */
final class JcaChaChaNonceAead extends ChaCha20RawKey implements NonceAead {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final String TRANSFORMATION = "ChaCha20-Poly1305";
    private static final int NONCE_LENGTH = 12;
    private static final ThreadLocal<Cipher> CIPHER = ThreadLocal.withInitial(JcaChaChaNonceAead::newCipher);

    JcaChaChaNonceAead(byte[] key) {
        super(key);
    }

    @Override
    public int nonceLength() {
        return NONCE_LENGTH;
    }

    @Override
    public int seal(byte[] nonce, byte[] aad, byte[] in, int inOffset, int length, byte[] out, int outOffset) {
        if (!usableWith(nonce)) {
            return -1;
        }
        try {
            return init(Cipher.ENCRYPT_MODE, nonce, aad).doFinal(in, inOffset, length, out, outOffset);
        } catch (GeneralSecurityException | RuntimeException e) {
            CIPHER.remove();
            return -1;
        }
    }

    @Override
    public int open(byte[] nonce, byte[] aad, byte[] in, int inOffset, int length, byte[] out, int outOffset) {
        if (!usableWith(nonce) || length < Aead.TAG_LENGTH) {
            return -1;
        }
        try {
            return init(Cipher.DECRYPT_MODE, nonce, aad).doFinal(in, inOffset, length, out, outOffset);
        } catch (AEADBadTagException e) {
            // The expected path for a forged or corrupted packet; the next init resets the Cipher.
            return -1;
        } catch (GeneralSecurityException | RuntimeException e) {
            CIPHER.remove();
            return -1;
        }
    }

    private Cipher init(int mode, byte[] nonce, byte[] aad) throws GeneralSecurityException {
        IvParameterSpec iv = new IvParameterSpec(nonce);
        Cipher cipher = CIPHER.get();
        try {
            cipher.init(mode, this, iv);
        } catch (InvalidKeyException repeated) {
            if (mode != Cipher.ENCRYPT_MODE) {
                throw repeated;
            }
            // Same key and nonce as this Cipher's previous initialisation: a fresh Cipher accepts them.
            cipher = newCipher();
            CIPHER.set(cipher);
            cipher.init(mode, this, iv);
        }
        if (aad != null && aad.length > 0) {
            cipher.updateAAD(aad);
        }
        return cipher;
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance(TRANSFORMATION);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no " + TRANSFORMATION + " Cipher", e);
        }
    }

    // destroy(), from ChaCha20RawKey, zeroes the key: NonceAead's and the SecretKey's destroy are one.
}
