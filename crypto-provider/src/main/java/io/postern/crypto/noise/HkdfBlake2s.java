package io.postern.crypto.noise;

import io.postern.spi.crypto.Blake2s;
import java.util.Arrays;

/**
 * WireGuard's KDF_n, which is the Noise spec's HKDF (§4.3) with HMAC-BLAKE2s: T0 = HMAC(key,
 * input), T1 = HMAC(T0, 0x1), Ti = HMAC(T0, T(i-1) ‖ i); returns T1..Tn (docs/protocol.md "Primitives",
 * RFC 5869 with an empty info).
 */
final class HkdfBlake2s {
    private HkdfBlake2s() {}

    /** @return {@code n} (1–3) outputs of 32 bytes */
    static byte[][] derive(Blake2s blake2s, byte[] key, byte[] input, int n) {
        byte[] t0 = blake2s.hmac(key, input);
        byte[][] out = new byte[n][];
        byte[] previous = new byte[0];
        for (int i = 1; i <= n; i++) {
            byte[] data = Arrays.copyOf(previous, previous.length + 1);
            data[previous.length] = (byte) i;
            out[i - 1] = blake2s.hmac(t0, data);
            previous = out[i - 1];
        }
        Arrays.fill(t0, (byte) 0);
        return out;
    }
}
