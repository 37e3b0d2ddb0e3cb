/**
 * The crypto providers behind {@link io.postern.spi.crypto.CryptoProvider} — {@code fastest} (the
 * default: the fastest primitive of each kind on this JVM), {@code bouncycastle} (Bouncy Castle for
 * every primitive) and {@code jca} (the JDK's XDH and ChaCha20-Poly1305, with BLAKE2s and XChaCha20
 * from Bouncy Castle because the JDK has neither) — and the Noise_IKpsk2
 * handshake ({@code noise-ikpsk2}) built on whichever provider is selected.
 *
 * <p>Exports nothing: everything is reached through the services it provides. The same services
 * are also listed under {@code META-INF/services} for callers that put the jar on the class path.
 */
module io.postern.crypto {
    requires io.postern.api;
    requires org.bouncycastle.provider;

    provides io.postern.spi.crypto.CryptoProvider
            with io.postern.crypto.bc.BouncyCastleCryptoProvider, io.postern.crypto.jca.JcaCryptoProvider,
                 io.postern.crypto.fastest.FastestCryptoProvider;
    provides io.postern.spi.crypto.HandshakeProtocolFactory
            with io.postern.crypto.noise.NoiseHandshakeProtocolFactory;
}
