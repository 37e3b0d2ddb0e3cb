package io.postern.crypto.noise;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.crypto.bc.BouncyCastleCryptoProvider;
import io.postern.crypto.fastest.FastestCryptoProvider;
import io.postern.crypto.jca.JcaCryptoProvider;
import io.postern.key.StaticKeyPair;
import io.postern.key.PresharedKey;
import io.postern.spi.crypto.CryptoProvider;
import io.postern.spi.crypto.HandshakeProtocol;
import io.postern.spi.crypto.HandshakeProtocol.InitiatorHandshake;
import io.postern.spi.crypto.HandshakeProtocol.ResponderHandshake;
import io.postern.spi.crypto.HandshakeProtocol.Response;
import io.postern.spi.crypto.HandshakeProtocol.SessionKeys;
import io.postern.spi.crypto.HandshakeResult;
import io.postern.wire.HandshakeInitiation;
import io.postern.wire.HandshakeResponse;
import io.postern.wire.Parsed;
import io.postern.wire.Tai64n;
import io.postern.wire.DataMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A complete WireGuard handshake and transport data, for each provider and across providers. */
class WireGuardHandshakeTest {

    static Stream<Arguments> providerPairs() {
        CryptoProvider bc = new BouncyCastleCryptoProvider();
        CryptoProvider jca = new JcaCryptoProvider();
        return Stream.of(
                Arguments.of(bc, bc), Arguments.of(jca, jca), Arguments.of(bc, jca), Arguments.of(jca, bc));
    }

    @ParameterizedTest(name = "initiator {0}, responder {1}")
    @MethodSource("providerPairs")
    void handshakeThenTransportBothWays(CryptoProvider initiatorCrypto, CryptoProvider responderCrypto) {
        for (PresharedKey psk : List.of(PresharedKey.NONE, PresharedKey.of(filled(7)))) {
            StaticKeyPair initiatorStatic = initiatorCrypto.x25519().generateKeyPair();
            StaticKeyPair responderStatic = responderCrypto.x25519().generateKeyPair();
            HandshakeProtocol initiator = new NoiseHandshakeProtocolFactory().create(initiatorCrypto, initiatorStatic);
            HandshakeProtocol responder = new NoiseHandshakeProtocolFactory().create(responderCrypto, responderStatic);
            byte[] timestamp = Tai64n.of(Instant.now());

            InitiatorHandshake init = success(initiator.initiate(responderStatic.publicKey(), psk, 0x11223344,
                    timestamp, null));
            byte[] initiation = init.message();
            assertThat(HandshakeInitiation.parse(initiation, 0, initiation.length)).isInstanceOf(Parsed.Ok.class);
            assertThat(responder.verifyMac1(initiation, 0, initiation.length)).isTrue();

            ResponderHandshake resp = success(responder.consumeInitiation(initiation, 0, initiation.length));
            assertThat(resp.remoteStatic()).isEqualTo(initiatorStatic.publicKey());
            assertThat(resp.remoteIndex()).isEqualTo(0x11223344);
            assertThat(resp.timestamp()).isEqualTo(timestamp);

            Response response = success(resp.respond(psk, 0x55667788, null));
            byte[] responseMsg = response.message();
            assertThat(HandshakeResponse.parse(responseMsg, 0, responseMsg.length)).isInstanceOf(Parsed.Ok.class);
            assertThat(initiator.verifyMac1(responseMsg, 0, responseMsg.length)).isTrue();

            SessionKeys initiatorKeys = success(init.consumeResponse(responseMsg, 0, responseMsg.length));
            SessionKeys responderKeys = response.keys();

            assertTransport(initiatorKeys, responderKeys, "ping from the initiator");
            assertTransport(responderKeys, initiatorKeys, "pong from the responder");
        }
    }

    @Test
    void servicesAreDeclaredForModulePathAndClassPath() throws Exception {
        // This module does not `uses` its own services, so ServiceLoader cannot be asked from here;
        // check the module descriptor (module path) and the META-INF/services files (class path).
        Module module = NoiseHandshakeProtocolFactory.class.getModule();
        if (module.isNamed()) {
            assertThat(module.getDescriptor().provides()).anySatisfy(p -> {
                assertThat(p.service()).isEqualTo(CryptoProvider.class.getName());
                assertThat(p.providers()).containsExactly(BouncyCastleCryptoProvider.class.getName(),
                        JcaCryptoProvider.class.getName(), FastestCryptoProvider.class.getName());
            });
            assertThat(module.getDescriptor().exports()).isEmpty();
        }
        assertThat(serviceFile(CryptoProvider.class)).containsExactly(BouncyCastleCryptoProvider.class.getName(),
                JcaCryptoProvider.class.getName(), FastestCryptoProvider.class.getName());
        assertThat(serviceFile(io.postern.spi.crypto.HandshakeProtocolFactory.class))
                .containsExactly(NoiseHandshakeProtocolFactory.class.getName());
        assertThat(new NoiseHandshakeProtocolFactory().name()).isEqualTo("noise-ikpsk2");
        assertThat(new BouncyCastleCryptoProvider().name()).isEqualTo("bouncycastle");
        assertThat(new JcaCryptoProvider().name()).isEqualTo("jca");
    }

    private static List<String> serviceFile(Class<?> service) throws java.io.IOException {
        String path = "/META-INF/services/" + service.getName();
        try (var in = WireGuardHandshakeTest.class.getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        }
    }

    private static void assertTransport(SessionKeys sender, SessionKeys receiver, String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        for (long counter = 0; counter < 3; counter++) {
            int padded = DataMessage.paddedLength(payload.length);
            byte[] plain = new byte[padded];
            System.arraycopy(payload, 0, plain, 0, payload.length);
            byte[] packet = new byte[DataMessage.HEADER_SIZE + padded + 16];
            DataMessage.writeHeader(packet, 0, 42, counter);
            int n = sender.sending().seal(counter, null, plain, 0, padded, packet, DataMessage.HEADER_SIZE);
            assertThat(n).isEqualTo(padded + 16);

            byte[] opened = new byte[padded];
            int m = receiver.receiving().open(counter, null, packet, DataMessage.HEADER_SIZE, n, opened, 0);
            assertThat(m).isEqualTo(padded);
            assertThat(new String(opened, 0, payload.length, StandardCharsets.UTF_8)).isEqualTo(text);
            // The same packet under the wrong direction's key does not open.
            assertThat(receiver.sending().open(counter, null, packet, DataMessage.HEADER_SIZE, n, opened, 0))
                    .isEqualTo(-1);
        }
    }

    static <T> T success(HandshakeResult<T> result) {
        assertThat(result).isInstanceOf(HandshakeResult.Success.class);
        return ((HandshakeResult.Success<T>) result).value();
    }

    static byte[] filled(int value) {
        byte[] b = new byte[32];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }
}
