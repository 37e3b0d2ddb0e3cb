package io.postern.gateway;

import io.postern.key.StaticKeyPair;
import io.postern.key.PresharedKey;
import io.postern.spi.crypto.AeadKey;
import io.postern.spi.crypto.CryptoProvider;
import io.postern.spi.crypto.HandshakeProtocol;
import io.postern.spi.crypto.HandshakeProtocol.InitiatorHandshake;
import io.postern.spi.crypto.HandshakeProtocol.ResponderHandshake;
import io.postern.spi.crypto.HandshakeProtocol.SessionKeys;
import io.postern.spi.crypto.HandshakeProtocolFactory;
import io.postern.spi.crypto.HandshakeResult;
import java.time.Duration;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warms the handshake and data-path crypto up right after the gateway listens, so that the first real
 * handshake (often a peer reconnecting right after a restart of the gateway) runs compiled code, not
 * the interpreter: the JVM compiles a method only after it ran a while, and X25519, BLAKE2s and
 * ChaCha20-Poly1305 interpreted take tens of milliseconds per handshake. The AOT cache of the image
 * already spares class loading and linking, and its profiles let the JIT compile sooner; this runs
 * the code to get it compiled.
 *
 * <p>What it runs: complete handshakes (initiate, mac1, consume the initiation, respond, consume the
 * response) between two throwaway identities through the configured crypto provider and handshake
 * protocol, and seals and opens of 64- and 1,200-byte packets under the keys they derive. It touches
 * no session, socket, peer or counter, logs one DEBUG line, and every key it makes is destroyed. On
 * one background thread of minimum priority, bounded by {@code handshakes} and by a time limit,
 * whichever comes first; {@value #ENV}{@code =0} turns it off.
 */
final class HandshakeWarmup {
    /** The environment variable giving the number of warm-up handshakes (0: no warm-up). */
    static final String ENV = "POSTERN_WARMUP";
    /** Handshakes by default: enough for the JIT to compile the hot crypto (measured in BENCHMARKS.md). */
    static final int DEFAULT_HANDSHAKES = 64;
    /** The warm-up stops after this long even if not done (a slow or busy machine). */
    static final Duration TIME_LIMIT = Duration.ofSeconds(2);
    /** Name of the warm-up thread. */
    static final String THREAD_NAME = "postern-warmup";
    private static final Logger LOG = LoggerFactory.getLogger(HandshakeWarmup.class);
    private static final int[] PACKET_SIZES = {64, 1200};

    private HandshakeWarmup() {}

    /** @return the number of handshakes {@value #ENV} asks for, the default when unset; -1 when it is not a count */
    static int handshakes(Map<String, String> env) {
        String v = env.get(ENV);
        if (v == null || v.isBlank()) {
            return DEFAULT_HANDSHAKES;
        }
        try {
            int n = Integer.parseInt(v.strip());
            return n < 0 ? -1 : n;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Starts the warm-up thread, or nothing when {@code handshakes} is 0.
     *
     * @return the thread, or null
     */
    static Thread start(CryptoProvider crypto, HandshakeProtocolFactory factory, int handshakes) {
        if (handshakes <= 0) {
            return null;
        }
        Thread t = Thread.ofPlatform().name(THREAD_NAME).daemon(true).priority(Thread.MIN_PRIORITY).unstarted(() -> {
            long start = System.nanoTime();
            try {
                int done = run(crypto, factory, handshakes, System::nanoTime, start + TIME_LIMIT.toNanos());
                LOG.debug("warm-up done handshakes={} ms={}", done, (System.nanoTime() - start) / 1_000_000);
            } catch (RuntimeException e) {
                LOG.debug("warm-up stopped error={}", e.toString());
            }
        });
        t.start();
        return t;
    }

    /**
     * Runs up to {@code handshakes} handshakes, each followed by seals and opens in both directions,
     * until {@code nanos} passes {@code deadlineNanos}.
     *
     * @return the handshakes completed
     * @throws IllegalStateException when a handshake or a packet does not check out (the provider is broken)
     */
    static int run(CryptoProvider crypto, HandshakeProtocolFactory factory, int handshakes, LongSupplier nanos,
                   long deadlineNanos) {
        StaticKeyPair initiatorKey = crypto.x25519().generateKeyPair();
        StaticKeyPair responderKey = crypto.x25519().generateKeyPair();
        HandshakeProtocol initiator = factory.create(crypto, initiatorKey);
        HandshakeProtocol responder = factory.create(crypto, responderKey);
        byte[] timestamp = new byte[HandshakeProtocol.TIMESTAMP_LENGTH];
        byte[] packet = new byte[1200 + 16];
        byte[] opened = new byte[1200];
        int done = 0;
        try {
            while (done < handshakes && nanos.getAsLong() - deadlineNanos < 0) {
                InitiatorHandshake init = value(initiator.initiate(responderKey.publicKey(), PresharedKey.NONE, done,
                        timestamp, null));
                byte[] msg = init.message();
                if (!responder.verifyMac1(msg, 0, msg.length)) {
                    throw new IllegalStateException("warm-up: mac1 of our own initiation did not verify");
                }
                ResponderHandshake resp = value(responder.consumeInitiation(msg, 0, msg.length));
                HandshakeProtocol.Response response = value(resp.respond(PresharedKey.NONE, ~done, null));
                resp.destroy();
                byte[] answer = response.message();
                SessionKeys initiatorKeys = value(init.consumeResponse(answer, 0, answer.length));
                init.destroy();
                try {
                    for (int size : PACKET_SIZES) {
                        roundTrip(initiatorKeys.sending(), response.keys().receiving(), done, size, packet, opened);
                        roundTrip(response.keys().sending(), initiatorKeys.receiving(), done, size, packet, opened);
                    }
                } finally {
                    initiatorKeys.destroy();
                    response.keys().destroy();
                }
                done++;
            }
        } finally {
            initiatorKey.privateKey().destroy();
            responderKey.privateKey().destroy();
        }
        return done;
    }

    private static void roundTrip(AeadKey seal, AeadKey open, long counter, int size, byte[] packet, byte[] opened) {
        for (int i = 0; i < size; i++) {
            packet[i] = (byte) (i + counter);
        }
        int sealed = seal.seal(counter, null, packet, 0, size, packet, 0);
        if (open.open(counter, null, packet, 0, sealed, opened, 0) != size || opened[size - 1] != (byte) (size - 1 + counter)) {
            throw new IllegalStateException("warm-up: a packet sealed under the derived keys did not open");
        }
    }

    private static <T> T value(HandshakeResult<T> r) {
        if (r instanceof HandshakeResult.Success<T> s) {
            return s.value();
        }
        throw new IllegalStateException("warm-up handshake failed: " + ((HandshakeResult.Failure<T>) r).reason());
    }
}
