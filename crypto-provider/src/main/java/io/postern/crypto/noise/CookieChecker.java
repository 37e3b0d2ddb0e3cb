package io.postern.crypto.noise;

import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.spi.crypto.Aead;
import io.postern.spi.crypto.CryptoProvider;
import io.postern.spi.crypto.XAead;
import io.postern.wire.CookieReply;
import io.postern.wire.LittleEndian;
import io.postern.wire.MessageType;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;

/**
 * The responder's side of WireGuard's cookie mechanism (paper §5.4.7; wireguard-go
 * device/cookie.go): a random secret renewed every {@link WireGuardConstruction#COOKIE_REFRESH_TIME},
 * cookie = MAC(secret, source IP ‖ source port), mac2 checks, and sealed cookie replies.
 *
 * <p>Source encoding: the IP address bytes (4 for IPv4, 16 for IPv6) followed by the port as
 * 2 bytes <em>little-endian</em>, which is what wireguard-go feeds the MAC
 * ({@code StdNetEndpoint.DstToBytes()} = {@code netip.AddrPort.MarshalBinary()}, port
 * little-endian). The Linux kernel hashes the port in network order instead; the choice is local,
 * since only the node that made a cookie ever checks it.
 *
 * <p>Unlike wireguard-go, which accepts only the current secret, mac2 made with the previous
 * secret is accepted too, so a cookie handed out just before a renewal stays usable. Thread-safe.
 */
final class CookieChecker {
    private static final int SECRET_LENGTH = 32;

    private final CryptoProvider crypto;
    private final byte[] replyKey;
    private final InstantSource clock;
    private final SecureRandom random;
    private final byte[] current = new byte[SECRET_LENGTH];
    private final byte[] previous = new byte[SECRET_LENGTH];
    private boolean previousValid;
    private Instant currentBirth;

    CookieChecker(CryptoProvider crypto, PublicKey localStatic, InstantSource clock, SecureRandom random) {
        this.crypto = crypto;
        this.replyKey = MessageMacs.labelKey(crypto.blake2s(), WireGuardConstruction.LABEL_COOKIE_BYTES, localStatic);
        this.clock = clock;
        this.random = random;
        random.nextBytes(current);
        currentBirth = clock.instant();
    }

    /** Replaces the secret now; the replaced one stays valid for mac2 for one more period. */
    synchronized void rotateNow() {
        System.arraycopy(current, 0, previous, 0, SECRET_LENGTH);
        previousValid = true;
        random.nextBytes(current);
        currentBirth = clock.instant();
    }

    /** @return whether mac2 of the handshake message is the one a cookie for {@code source} gives */
    boolean verifyMac2(byte[] msg, int offset, int length, Endpoint source) {
        int mac1Offset = MessageMacs.mac1Offset(msg, offset, length);
        if (mac1Offset < 0 || source == null) {
            return false;
        }
        int mac2Offset = mac1Offset + MessageMacs.MAC_LENGTH;
        byte[] cookie = new byte[MessageMacs.MAC_LENGTH];
        byte[] older = null;
        synchronized (this) {
            refresh();
            makeCookie(current, source, cookie);
            if (previousValid) {
                older = new byte[MessageMacs.MAC_LENGTH];
                makeCookie(previous, source, older);
            }
        }
        boolean ok = MessageMacs.verify(crypto.blake2s(), cookie, msg, offset, mac2Offset);
        if (!ok && older != null) {
            ok = MessageMacs.verify(crypto.blake2s(), older, msg, offset, mac2Offset);
        }
        Arrays.fill(cookie, (byte) 0);
        if (older != null) {
            Arrays.fill(older, (byte) 0);
        }
        return ok;
    }

    /**
     * @return the 64-byte cookie reply to the handshake message, or {@code null} when the message
     *         is not a whole initiation or response (nothing to take mac1 from)
     */
    byte[] createReply(byte[] msg, int offset, int length, int receiverIndex, Endpoint source) {
        int mac1Offset = MessageMacs.mac1Offset(msg, offset, length);
        if (mac1Offset < 0 || source == null) {
            return null;
        }
        byte[] cookie = new byte[MessageMacs.MAC_LENGTH];
        synchronized (this) {
            refresh();
            makeCookie(current, source, cookie);
        }
        byte[] reply = new byte[CookieReply.SIZE];
        reply[0] = (byte) MessageType.COOKIE_REPLY.code();
        LittleEndian.putInt(reply, CookieReply.RECEIVER_OFFSET, receiverIndex);
        byte[] nonce = new byte[XAead.NONCE_LENGTH];
        random.nextBytes(nonce);
        System.arraycopy(nonce, 0, reply, CookieReply.NONCE_OFFSET, nonce.length);
        byte[] mac1 = Arrays.copyOfRange(msg, offset + mac1Offset, offset + mac1Offset + MessageMacs.MAC_LENGTH);
        int n = crypto.xChaCha20Poly1305().seal(replyKey, nonce, mac1, cookie, 0, cookie.length, reply,
                CookieReply.COOKIE_OFFSET);
        Arrays.fill(cookie, (byte) 0);
        return n == MessageMacs.MAC_LENGTH + Aead.TAG_LENGTH ? reply : null;
    }

    private void refresh() {
        Duration age = Duration.between(currentBirth, clock.instant());
        if (age.compareTo(WireGuardConstruction.COOKIE_REFRESH_TIME.multipliedBy(2)) >= 0) {
            // Idle for two periods: neither secret should still be honoured.
            previousValid = false;
            Arrays.fill(previous, (byte) 0);
            random.nextBytes(current);
            currentBirth = clock.instant();
        } else if (age.compareTo(WireGuardConstruction.COOKIE_REFRESH_TIME) >= 0) {
            rotateNow();
        }
    }

    private void makeCookie(byte[] secret, Endpoint source, byte[] out) {
        byte[] ip = source.ip().getAddress();
        // WireGuard's cookie input is the source IP and port; another transport's name follows them,
        // so a cookie earned over one transport is worth nothing on another (UDP stays wire-compatible)
        byte[] transport = Endpoint.UDP.equals(source.transport())
                ? new byte[0] : source.transport().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] data = Arrays.copyOf(ip, ip.length + 2 + transport.length);
        data[ip.length] = (byte) source.port();
        data[ip.length + 1] = (byte) (source.port() >>> 8);
        System.arraycopy(transport, 0, data, ip.length + 2, transport.length);
        MessageMacs.mac(crypto.blake2s(), secret, data, 0, data.length, out, 0);
    }
}
