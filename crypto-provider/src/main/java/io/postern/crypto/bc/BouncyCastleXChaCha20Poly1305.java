package io.postern.crypto.bc;

import io.postern.spi.crypto.Aead;
import io.postern.spi.crypto.XAead;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.XChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha: HChaCha20 subkey, then ChaCha20-Poly1305) from
 * Bouncy Castle's {@link XChaCha20Poly1305}. Used by both providers, since the JDK has no
 * XChaCha20. Cookie replies are rare, so each call uses a fresh mode object: thread-safe.
 */
public final class BouncyCastleXChaCha20Poly1305 implements XAead {
    private static final int TAG_BITS = Aead.TAG_LENGTH * 8;

    /** Creates the stateless XChaCha20-Poly1305 function. */
    public BouncyCastleXChaCha20Poly1305() {}

    @Override
    public int seal(byte[] key, byte[] nonce, byte[] aad, byte[] in, int inOffset, int length, byte[] out,
                    int outOffset) {
        return run(true, key, nonce, aad, in, inOffset, length, out, outOffset);
    }

    @Override
    public int open(byte[] key, byte[] nonce, byte[] aad, byte[] in, int inOffset, int length, byte[] out,
                    int outOffset) {
        if (length < Aead.TAG_LENGTH) {
            return -1;
        }
        return run(false, key, nonce, aad, in, inOffset, length, out, outOffset);
    }

    private static int run(boolean encrypt, byte[] key, byte[] nonce, byte[] aad, byte[] in, int inOffset,
                           int length, byte[] out, int outOffset) {
        if (key == null || key.length != Aead.KEY_LENGTH || nonce == null || nonce.length != NONCE_LENGTH) {
            return -1;
        }
        try {
            XChaCha20Poly1305 cipher = new XChaCha20Poly1305();
            cipher.init(encrypt, new AEADParameters(new KeyParameter(key), TAG_BITS, nonce, aad));
            int n = cipher.processBytes(in, inOffset, length, out, outOffset);
            n += cipher.doFinal(out, outOffset + n);
            return n;
        } catch (InvalidCipherTextException | RuntimeException e) {
            return -1;
        }
    }
}
