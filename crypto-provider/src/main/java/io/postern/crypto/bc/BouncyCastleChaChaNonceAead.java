package io.postern.crypto.bc;

import io.postern.crypto.primitive.NonceAead;
import io.postern.spi.crypto.Aead;
import java.util.Arrays;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * ChaCha20-Poly1305 under one key with an explicit 12-byte nonce, on Bouncy Castle's
 * {@link ChaCha20Poly1305}. Bouncy Castle refuses to initialise encryption with the nonce of the
 * previous initialisation under the same key; legitimate callers (tests, or a re-sent counter)
 * get a fresh mode object in that case instead of an exception.
 */
final class BouncyCastleChaChaNonceAead implements NonceAead {
    private static final int NONCE_LENGTH = 12;
    private static final int TAG_BITS = Aead.TAG_LENGTH * 8;

    private final byte[] key;
    private ChaCha20Poly1305 cipher = new ChaCha20Poly1305();
    private final byte[] lastNonce = new byte[NONCE_LENGTH];
    private boolean initialised;
    private boolean destroyed;

    BouncyCastleChaChaNonceAead(byte[] key) {
        if (key == null || key.length != Aead.KEY_LENGTH) {
            throw new IllegalArgumentException("ChaCha20-Poly1305 key must be 32 bytes");
        }
        this.key = key.clone();
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
            init(true, nonce, aad);
            int n = cipher.processBytes(in, inOffset, length, out, outOffset);
            n += cipher.doFinal(out, outOffset + n);
            return n;
        } catch (InvalidCipherTextException | RuntimeException e) {
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
            init(false, nonce, aad);
            int n = cipher.processBytes(in, inOffset, length, out, outOffset);
            n += cipher.doFinal(out, outOffset + n);
            return n;
        } catch (InvalidCipherTextException e) {
            // The expected path for a forged or corrupted packet; the next init resets the mode.
            return -1;
        } catch (RuntimeException e) {
            discardCipher();
            return -1;
        }
    }

    private boolean usable(byte[] nonce) {
        return !destroyed && nonce != null && nonce.length == NONCE_LENGTH;
    }

    private void init(boolean encrypt, byte[] nonce, byte[] aad) {
        if (encrypt && initialised && Arrays.equals(lastNonce, nonce)) {
            cipher = new ChaCha20Poly1305();
        }
        cipher.init(encrypt, new AEADParameters(new KeyParameter(key), TAG_BITS, nonce, aad));
        System.arraycopy(nonce, 0, lastNonce, 0, NONCE_LENGTH);
        initialised = true;
    }

    private void discardCipher() {
        cipher = new ChaCha20Poly1305();
        initialised = false;
    }

    @Override
    public void destroy() {
        destroyed = true;
        Arrays.fill(key, (byte) 0);
        cipher = new ChaCha20Poly1305();
    }
}
