package io.postern.crypto.noise;

import io.postern.key.PublicKey;
import io.postern.spi.crypto.X25519;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded least-recently-used cache of DH(S_local, S_remote) per remote static key: the value
 * is the same for every handshake of a pair (docs/protocol.md), so a busy responder does one X25519
 * less per handshake (wireguard-go keeps it per peer as {@code precomputedStaticStatic}).
 * Thread-safe.
 */
final class StaticSecretCache implements StaticSecret {
    /** Entries kept; beyond this the least recently used one is dropped. */
    static final int CAPACITY = 4096;
    private static final byte[] LOW_ORDER = new byte[0];

    private final X25519 x25519;
    private final byte[] localPrivate;
    private final Map<PublicKey, byte[]> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<PublicKey, byte[]> eldest) {
            if (size() > CAPACITY) {
                Arrays.fill(eldest.getValue(), (byte) 0);
                return true;
            }
            return false;
        }
    };

    /** @param localPrivate referenced, not copied */
    StaticSecretCache(X25519 x25519, byte[] localPrivate) {
        this.x25519 = x25519;
        this.localPrivate = localPrivate;
    }

    @Override
    public boolean compute(byte[] remoteStatic, byte[] out) {
        PublicKey key = PublicKey.of(remoteStatic);
        byte[] cached;
        synchronized (cache) {
            cached = cache.get(key);
            if (cached != null) {
                if (cached == LOW_ORDER) {
                    Arrays.fill(out, 0, IkHandshake.KEY_LENGTH, (byte) 0);
                    return false;
                }
                System.arraycopy(cached, 0, out, 0, IkHandshake.KEY_LENGTH);
                return true;
            }
        }
        boolean ok = x25519.sharedSecret(localPrivate, remoteStatic, out);
        synchronized (cache) {
            cache.put(key, ok ? Arrays.copyOf(out, IkHandshake.KEY_LENGTH) : LOW_ORDER);
        }
        return ok;
    }

    /** @return the number of cached entries */
    int size() {
        synchronized (cache) {
            return cache.size();
        }
    }
}
