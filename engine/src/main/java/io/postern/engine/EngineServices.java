package io.postern.engine;

import io.postern.spi.Admission;
import io.postern.spi.PacketHandler;
import io.postern.spi.SessionPolicy;
import io.postern.spi.crypto.CryptoProvider;
import io.postern.spi.crypto.HandshakeProtocolFactory;
import java.util.Objects;

/**
 * The implementations the engine works through, all behind SPIs.
 *
 * @param crypto     primitives (transport AEAD, key generation)
 * @param handshakes the handshake protocol factory ({@code noise-ikpsk2})
 * @param policy     what to do on an identity change at an endpoint
 * @param onPolicyFault what applies when {@code policy} throws, answers null or misses its time budget
 * @param admission  who may handshake at all
 * @param handler    what to do with decrypted payloads
 */
public record EngineServices(CryptoProvider crypto, HandshakeProtocolFactory handshakes, SessionPolicy policy,
                             OnPolicyFault onPolicyFault, Admission admission, PacketHandler handler) {
    public EngineServices {
        Objects.requireNonNull(crypto, "crypto");
        Objects.requireNonNull(handshakes, "handshakes");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(onPolicyFault, "onPolicyFault");
        Objects.requireNonNull(admission, "admission");
        Objects.requireNonNull(handler, "handler");
    }

    /** Services with the default {@link OnPolicyFault} ({@code keep-both}). */
    public EngineServices(CryptoProvider crypto, HandshakeProtocolFactory handshakes, SessionPolicy policy,
                          Admission admission, PacketHandler handler) {
        this(crypto, handshakes, policy, OnPolicyFault.DEFAULT, admission, handler);
    }
}
