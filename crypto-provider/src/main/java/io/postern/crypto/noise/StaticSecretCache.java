package io.postern.crypto.noise;

import io.postern.spi.crypto.Blake2s;
import io.postern.spi.crypto.Blake2sDigest;
import io.postern.spi.crypto.X25519;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded least-recently-used cache of DH(S_local, S_remote) per remote static key: the value
 * is the same for every handshake of a pair (docs/protocol.md), so a busy responder does one X25519
 * less per handshake (wireguard-go keeps it per peer as {@code precomputedStaticStatic}).
 * Thread-safe.
 *
 * <p>Only admitted keys reach it (the responder asks admission before the static-static DH), and it
 * is keyed by a secret-keyed hash of the remote key (keyed BLAKE2s, the key drawn at start): with
 * open admission remote keys are chosen by whoever sends, and chosen collisions would otherwise
 * turn lookups into linear scans.
 */
final class StaticSecretCache implements StaticSecret {
    /** Entries kept; beyond this the least recently used one is dropped. */
    static final int CAPACITY = 4096;
    private static final byte[] LOW_ORDER = new byte[0];

    /** A remote static key with its secret-keyed hash. */
    private record CacheKey(byte[] key, int hash) {
        @Override
        public boolean equals(Object o) {
            return o instanceof CacheKey k && Arrays.equals(key, k.key);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private final X25519 x25519;
    private final Blake2s blake2s;
    private final byte[] hashKey;
    private final byte[] localPrivate;
    private final Map<CacheKey, byte[]> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<CacheKey, byte[]> eldest) {
            if (size() > CAPACITY) {
                Arrays.fill(eldest.getValue(), (byte) 0);
                return true;
            }
            return false;
        }
    };

    /**
     * @param localPrivate referenced, not copied
     * @param random       draws the hash key
     */
    StaticSecretCache(X25519 x25519, Blake2s blake2s, byte[] localPrivate, SecureRandom random) {
        this.x25519 = x25519;
        this.blake2s = blake2s;
        this.localPrivate = localPrivate;
        this.hashKey = new byte[16];
        random.nextBytes(hashKey);
    }

    private CacheKey keyOf(byte[] remoteStatic) {
        Blake2sDigest d = blake2s.newDigest(4, hashKey);
        d.update(remoteStatic, 0, IkHandshake.KEY_LENGTH);
        byte[] h = new byte[4];
        d.doFinal(h, 0);
        return new CacheKey(remoteStatic.clone(), (h[0] & 0xff) | (h[1] & 0xff) << 8 | (h[2] & 0xff) << 16 | h[3] << 24);
    }

    @Override
    public boolean compute(byte[] remoteStatic, byte[] out) {
        CacheKey key = keyOf(remoteStatic);
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

    /** Zeroes and drops every cached entry. */
    void clear() {
        synchronized (cache) {
            for (byte[] v : cache.values()) {
                Arrays.fill(v, (byte) 0);
            }
            cache.clear();
        }
    }

    /** @return the number of cached entries */
    int size() {
        synchronized (cache) {
            return cache.size();
        }
    }
}
