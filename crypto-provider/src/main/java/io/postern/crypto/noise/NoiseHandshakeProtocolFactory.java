package io.postern.crypto.noise;

import io.postern.key.StaticKeyPair;
import io.postern.spi.PluginName;
import io.postern.spi.crypto.CryptoProvider;
import io.postern.spi.crypto.HandshakeProtocol;
import io.postern.spi.crypto.HandshakeProtocolFactory;
import java.security.SecureRandom;
import java.time.InstantSource;

/**
 * The {@code noise-ikpsk2} handshake: Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s with WireGuard v1's
 * prologue, message layouts, mac1/mac2 and cookie replies, on whichever {@link CryptoProvider}
 * the configuration selects.
 */
@PluginName(NoiseHandshakeProtocolFactory.NAME)
public final class NoiseHandshakeProtocolFactory implements HandshakeProtocolFactory {
    /** The name configuration selects this factory by. */
    public static final String NAME = "noise-ikpsk2";

    /** Creates the factory; ServiceLoader needs this public no-argument constructor. */
    public NoiseHandshakeProtocolFactory() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public HandshakeProtocol create(CryptoProvider primitives, StaticKeyPair localStatic) {
        return new NoiseHandshakeProtocol(primitives, localStatic, InstantSource.system(), new SecureRandom());
    }
}
