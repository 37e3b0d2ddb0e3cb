package io.postern.engine;

import io.postern.spi.crypto.Aead;
import io.postern.spi.crypto.AeadKey;
import io.postern.spi.crypto.Blake2s;
import io.postern.spi.crypto.CryptoProvider;
import io.postern.spi.crypto.X25519;
import io.postern.spi.crypto.XAead;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Wraps a real provider and records every AEAD key it hands out and whether it was destroyed. */
final class SpyingCryptoProvider implements CryptoProvider {
    /** An AEAD key that remembers its destruction. */
    static final class SpyKey implements AeadKey {
        private final AeadKey delegate;
        volatile boolean destroyed;
        /** Set when used without associated data: transport data (handshake AEADs always have AD). */
        volatile boolean usedForTransport;

        SpyKey(AeadKey delegate) {
            this.delegate = delegate;
        }

        @Override
        public int seal(long counter, byte[] aad, byte[] in, int inOffset, int length, byte[] out, int outOffset) {
            if (destroyed) {
                throw new IllegalStateException("seal on a destroyed key");
            }
            usedForTransport |= aad == null;
            return delegate.seal(counter, aad, in, inOffset, length, out, outOffset);
        }

        @Override
        public int open(long counter, byte[] aad, byte[] in, int inOffset, int length, byte[] out, int outOffset) {
            if (destroyed) {
                throw new IllegalStateException("open on a destroyed key");
            }
            usedForTransport |= aad == null;
            return delegate.open(counter, aad, in, inOffset, length, out, outOffset);
        }

        @Override
        public void destroy() {
            destroyed = true;
            delegate.destroy();
        }
    }

    private final CryptoProvider real;
    final List<SpyKey> keys = new CopyOnWriteArrayList<>();
    /** A copy of the raw bytes of every AEAD key handed out (to search logs for them). */
    final List<byte[]> rawKeys = new CopyOnWriteArrayList<>();

    SpyingCryptoProvider(CryptoProvider real) {
        this.real = real;
    }

    @Override
    public String name() {
        return "spy-" + real.name();
    }

    @Override
    public String description() {
        return "spying wrapper";
    }

    /** X25519 scalar multiplications done (key pairs made, public keys derived, shared secrets). */
    final java.util.concurrent.atomic.AtomicLong scalarMultiplications = new java.util.concurrent.atomic.AtomicLong();

    @Override
    public X25519 x25519() {
        X25519 x = real.x25519();
        return new X25519() {
            @Override
            public io.postern.key.StaticKeyPair generateKeyPair() {
                scalarMultiplications.incrementAndGet();
                return x.generateKeyPair();
            }

            @Override
            public io.postern.key.PublicKey publicKey(io.postern.key.PrivateKey privateKey) {
                scalarMultiplications.incrementAndGet();
                return x.publicKey(privateKey);
            }

            @Override
            public boolean sharedSecret(byte[] privateKey, byte[] publicKey, byte[] out) {
                scalarMultiplications.incrementAndGet();
                return x.sharedSecret(privateKey, publicKey, out);
            }
        };
    }

    @Override
    public Aead chaCha20Poly1305() {
        Aead aead = real.chaCha20Poly1305();
        return key -> {
            rawKeys.add(key.clone());
            SpyKey k = new SpyKey(aead.key(key));
            keys.add(k);
            return k;
        };
    }

    @Override
    public XAead xChaCha20Poly1305() {
        return real.xChaCha20Poly1305();
    }

    @Override
    public Blake2s blake2s() {
        return real.blake2s();
    }
}
