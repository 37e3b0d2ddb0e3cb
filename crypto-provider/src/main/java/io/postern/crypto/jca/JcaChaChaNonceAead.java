package io.postern.crypto.jca;

import io.postern.crypto.primitive.NonceAead;
import io.postern.spi.crypto.Aead;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * ChaCha20-Poly1305 under one key with an explicit 12-byte nonce, on the JDK's
 * {@code Cipher("ChaCha20-Poly1305")}.
 *
 * <p>The JDK refuses to initialise a Cipher for encryption with the same key and nonce as its
 * previous initialisation (InvalidKeyException "Matching key and nonce from previous
 * initialization"), whatever the previous mode was. When a seal repeats the last nonce, this
 * class therefore takes a fresh Cipher instead of failing.
 */
final class JcaChaChaNonceAead implements NonceAead {
    private static final String TRANSFORMATION = "ChaCha20-Poly1305";
    private static final int NONCE_LENGTH = 12;

    private final byte[] keyBytes;
    private SecretKeySpec key;
    private Cipher cipher;
    private final byte[] lastNonce = new byte[NONCE_LENGTH];
    private boolean initialised;
    private boolean destroyed;

    JcaChaChaNonceAead(byte[] key) {
        if (key == null || key.length != Aead.KEY_LENGTH) {
            throw new IllegalArgumentException("ChaCha20-Poly1305 key must be 32 bytes");
        }
        this.keyBytes = key.clone();
        this.key = new SecretKeySpec(keyBytes, "ChaCha20");
        this.cipher = newCipher();
    }

    @Override
    public int nonceLength() {
        return NONCE_LENGTH;
    }

    @Override
    public int seal(byte[] nonce, byte[] aad, byte[] in, int inOffset, int length, byte[] out, int outOffset) {
        if (!usable(nonce)) {
            return -1;
        }
        try {
            init(Cipher.ENCRYPT_MODE, nonce, aad);
            return cipher.doFinal(in, inOffset, length, out, outOffset);
        } catch (GeneralSecurityException | RuntimeException e) {
            discardCipher();
            return -1;
        }
    }

    @Override
    public int open(byte[] nonce, byte[] aad, byte[] in, int inOffset, int length, byte[] out, int outOffset) {
        if (!usable(nonce) || length < Aead.TAG_LENGTH) {
            return -1;
        }
        try {
            init(Cipher.DECRYPT_MODE, nonce, aad);
            return cipher.doFinal(in, inOffset, length, out, outOffset);
        } catch (AEADBadTagException e) {
            // The expected path for a forged or corrupted packet; the next init resets the Cipher.
            return -1;
        } catch (GeneralSecurityException | RuntimeException e) {
            discardCipher();
            return -1;
        }
    }

    private boolean usable(byte[] nonce) {
        return !destroyed && nonce != null && nonce.length == NONCE_LENGTH;
    }

    private void init(int mode, byte[] nonce, byte[] aad) throws GeneralSecurityException {
        if (mode == Cipher.ENCRYPT_MODE && initialised && Arrays.equals(lastNonce, nonce)) {
            cipher = newCipher();
        }
        cipher.init(mode, key, new IvParameterSpec(nonce));
        System.arraycopy(nonce, 0, lastNonce, 0, NONCE_LENGTH);
        initialised = true;
        if (aad != null && aad.length > 0) {
            cipher.updateAAD(aad);
        }
    }

    private void discardCipher() {
        cipher = newCipher();
        initialised = false;
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance(TRANSFORMATION);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no " + TRANSFORMATION + " Cipher", e);
        }
    }

    @Override
    public void destroy() {
        destroyed = true;
        Arrays.fill(keyBytes, (byte) 0);
        // SecretKeySpec keeps its own copy that cannot be wiped (its destroy() is unsupported).
        key = null;
    }
}
