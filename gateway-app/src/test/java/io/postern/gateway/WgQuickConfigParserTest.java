package io.postern.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.postern.engine.PeerConfig;
import io.postern.key.PresharedKey;
import io.postern.key.PrivateKey;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.net.IpPrefix;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WgQuickConfigParserTest {
    static final String PRIV = key(1);
    static final String PEER1 = key(2);
    static final String PEER2 = key(3);
    static final String PSK = key(4);

    static String key(int fill) {
        byte[] b = new byte[32];
        Arrays.fill(b, (byte) fill);
        return java.util.Base64.getEncoder().encodeToString(b);
    }

    static NodeConfig parse(String text) {
        return WgQuickConfigParser.parse("postern.conf", text.lines().toList());
    }

    static AbstractThrowableAssert<?, ? extends Throwable> fails(String text) {
        return assertThatThrownBy(() -> parse(text)).isInstanceOf(ConfigException.class);
    }

    @Test
    void parsesAFullConfiguration() {
        NodeConfig c = parse("""
                # a comment
                [Interface]
                PrivateKey = %s
                ListenPort = 51820
                Address = 10.0.0.1/24, fd00::1/64
                ListenAddress = 127.0.0.1
                SessionPolicy = keep-both
                CryptoProvider = jca
                Admission = open
                Handler = echo
                Transport = udp

                ; another comment
                [Peer]
                PublicKey = %s
                PresharedKey = %s
                AllowedIPs = 10.0.0.2/32, fd00::2/128
                AllowedIPs = 192.168.7.0/24
                Endpoint = 198.51.100.7:51820
                PersistentKeepalive = 25

                [Peer]
                PublicKey = %s
                Endpoint = [2001:db8::1]:4000
                PersistentKeepalive = off
                """.formatted(PRIV, PEER1, PSK, PEER2));

        assertThat(c.privateKey()).isEqualTo(PrivateKey.fromBase64(PRIV));
        assertThat(c.listenPort()).isEqualTo(51820);
        assertThat(c.listenAddress()).isEqualTo(InetAddress.getLoopbackAddress());
        // Address keeps its host part: it is the interface's own address (ping answers to it)
        assertThat(c.addresses()).containsExactly(IpPrefix.parse("10.0.0.1/24"), IpPrefix.parse("fd00::1/64"));
        assertThat(c.sessionPolicy()).isEqualTo("keep-both");
        assertThat(c.cryptoProvider()).isEqualTo("jca");
        assertThat(c.admission()).isEqualTo("open");
        assertThat(c.handler()).isEqualTo("echo");
        assertThat(c.transport()).isEqualTo("udp");
        assertThat(c.peers()).hasSize(2);
        PeerConfig p1 = c.peers().get(0);
        assertThat(p1.publicKey()).isEqualTo(PublicKey.fromBase64(PEER1));
        assertThat(p1.presharedKey()).isEqualTo(PresharedKey.fromBase64(PSK));
        assertThat(p1.allowedIps()).containsExactly(IpPrefix.parse("10.0.0.2/32"), IpPrefix.parse("fd00::2/128"),
                IpPrefix.parse("192.168.7.0/24"));
        assertThat(p1.endpoint()).isEqualTo(Endpoint.parse("198.51.100.7:51820"));
        assertThat(p1.persistentKeepalive()).isEqualTo(Duration.ofSeconds(25));
        PeerConfig p2 = c.peers().get(1);
        assertThat(p2.presharedKey()).isEqualTo(PresharedKey.NONE);
        assertThat(p2.endpoint()).isEqualTo(Endpoint.parse("[2001:db8::1]:4000"));
        assertThat(p2.persistentKeepalive()).isEqualTo(Duration.ZERO);
    }

    @Test
    void appliesDefaultsForEveryOptionalKey() {
        NodeConfig c = parse("[Interface]\nPrivateKey = " + PRIV + "\n");
        assertThat(c.listenPort()).isZero();
        assertThat(c.listenAddress()).isNull();
        assertThat(c.sessionPolicy()).isEqualTo("reset-on-identity-change");
        assertThat(c.cryptoProvider()).isEqualTo("fastest");
        assertThat(c.admission()).isEqualTo("allowlist");
        assertThat(c.handler()).isEqualTo("echo");
        assertThat(c.transport()).isEqualTo("udp");
        assertThat(c.handshake()).isEqualTo("noise-ikpsk2");
        assertThat(c.peers()).isEmpty();
        assertThat(c.addresses()).isEmpty();
    }

    @Test
    void keysAndSectionsAreCaseInsensitiveAndInlineCommentsAreStripped() {
        NodeConfig c = parse("""
                [INTERFACE]
                privatekey=%s   # trailing comment
                LISTENPORT =  4000 ; ini comment
                [peer]
                publickey = %s
                allowedips = 10.1.0.0/16
                """.formatted(PRIV, PEER1));
        assertThat(c.listenPort()).isEqualTo(4000);
        assertThat(c.peers()).singleElement().extracting(PeerConfig::publicKey).isEqualTo(PublicKey.fromBase64(PEER1));
    }

    @Test
    void keepaliveZeroMeansOff() {
        NodeConfig c = parse("[Interface]\nPrivateKey=" + PRIV + "\n[Peer]\nPublicKey=" + PEER1 + "\nPersistentKeepalive=0\n");
        assertThat(c.peers().get(0).persistentKeepalive()).isEqualTo(Duration.ZERO);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "abc     | postern.conf:3: ListenPort: 'abc' is not a port number (1-65535)",
        "0       | postern.conf:3: ListenPort: '0' is not a port number (1-65535)",
        "65536   | postern.conf:3: ListenPort: '65536' is not a port number (1-65535)",
        "-1      | postern.conf:3: ListenPort: '-1' is not a port number (1-65535)",
        "9999999 | postern.conf:3: ListenPort: '9999999' is not a port number (1-65535)",
    })
    void badListenPortNamesFileLineAndKey(String value, String message) {
        fails("[Interface]\nPrivateKey = " + PRIV + "\nListenPort = " + value + "\n").hasMessage(message);
    }

    @Test
    void theExampleFromTheBriefReadsExactly() {
        fails("""
                # Postern
                #
                [Interface]
                PrivateKey = %s

                Address = 10.0.0.1/24
                ListenPort = abc
                """.formatted(PRIV))
                .hasMessage("postern.conf:7: ListenPort: 'abc' is not a port number (1-65535)")
                .satisfies(e -> {
                    ConfigException c = (ConfigException) e;
                    assertThat(c.file()).contains("postern.conf");
                    assertThat(c.line()).isEqualTo(7);
                    assertThat(c.key()).contains("ListenPort");
                });
    }

    @Test
    void badPrivateKeyIsReportedWithoutQuotingTheSecret() {
        String bad = "c2VjcmV0LWJ1dC10b28tc2hvcnQ=";
        fails("[Interface]\nPrivateKey = " + bad + "\n")
                .hasMessageStartingWith("postern.conf:2: PrivateKey: ")
                .hasMessageContaining("32 bytes")
                .hasMessageNotContaining(bad);
        fails("[Interface]\nPrivateKey = not*base64!\n")
                .hasMessageStartingWith("postern.conf:2: PrivateKey: ")
                .hasMessageContaining("base64")
                .hasMessageNotContaining("not*base64");
    }

    @Test
    void badPresharedKeyIsReportedWithoutQuotingTheSecret() {
        fails("[Interface]\nPrivateKey=" + PRIV + "\n[Peer]\nPublicKey=" + PEER1 + "\nPresharedKey = sekrit==\n")
                .hasMessageStartingWith("postern.conf:5: PresharedKey: ")
                .hasMessageNotContaining("sekrit");
    }

    @Test
    void badPublicKeyIsQuoted() {
        fails("[Interface]\nPrivateKey=" + PRIV + "\n[Peer]\nPublicKey = AAAA\n")
                .hasMessageStartingWith("postern.conf:4: PublicKey: 'AAAA': ");
    }

    @Test
    void badAddressAndAllowedIps() {
        fails("[Interface]\nPrivateKey=" + PRIV + "\nAddress = 10.0.0.1/33\n")
                .hasMessageStartingWith("postern.conf:3: Address: '10.0.0.1/33': ");
        fails("[Interface]\nPrivateKey=" + PRIV + "\nAddress = 10.0.0.1/24,,10.0.0.2\n")
                .hasMessage("postern.conf:3: Address: '10.0.0.1/24,,10.0.0.2' has an empty entry in its comma list");
        fails("[Interface]\nPrivateKey=" + PRIV + "\n[Peer]\nPublicKey=" + PEER1 + "\nAllowedIPs = 10.0.0.0/8, bogus\n")
                .hasMessageStartingWith("postern.conf:5: AllowedIPs: 'bogus': ");
    }

    @Test
    void badEndpoints() {
        String head = "[Interface]\nPrivateKey=" + PRIV + "\n[Peer]\nPublicKey=" + PEER1 + "\n";
        fails(head + "Endpoint = 198.51.100.7\n").hasMessageStartingWith("postern.conf:5: Endpoint: '198.51.100.7': ");
        fails(head + "Endpoint = 198.51.100.7:0\n").hasMessageStartingWith("postern.conf:5: Endpoint: ");
        fails(head + "Endpoint = vpn.example.com:51820\n").hasMessageStartingWith("postern.conf:5: Endpoint: 'vpn.example.com:51820': ");
    }

    @Test
    void badKeepalive() {
        String head = "[Interface]\nPrivateKey=" + PRIV + "\n[Peer]\nPublicKey=" + PEER1 + "\n";
        fails(head + "PersistentKeepalive = sometimes\n")
                .hasMessage("postern.conf:5: PersistentKeepalive: 'sometimes' is neither 'off' nor a number of seconds (0-65535)");
        fails(head + "PersistentKeepalive = 70000\n").hasMessageStartingWith("postern.conf:5: PersistentKeepalive: '70000'");
    }

    /** {@code MTU}: at most 65,475, so that a padded packet and WireGuard's 32 bytes fit UDP's 65,507 over IPv4. */
    @Test
    void mtuIsBoundedByTheLargestIpv4Datagram() {
        assertThat(parse("[Interface]\nPrivateKey = " + PRIV + "\nMTU = 65475\n").mtu()).isEqualTo(65_475);
        fails("[Interface]\nPrivateKey=" + PRIV + "\nMTU = 65476\n")
                .hasMessageStartingWith("postern.conf:3: MTU: '65476' is not an MTU (68-65475)");
    }

    @Test
    void badListenAddress() {
        fails("[Interface]\nPrivateKey=" + PRIV + "\nListenAddress = 10.0.0.0/8\n")
                .hasMessage("postern.conf:3: ListenAddress: '10.0.0.0/8' is not an IP address");
        fails("[Interface]\nPrivateKey=" + PRIV + "\nListenAddress = localhost\n")
                .hasMessageStartingWith("postern.conf:3: ListenAddress: 'localhost': ");
    }

    @Test
    void badPluginName() {
        fails("[Interface]\nPrivateKey=" + PRIV + "\nSessionPolicy = keep both\n")
                .hasMessage("postern.conf:3: SessionPolicy: 'keep both' is not a plugin name (letters, digits, '.', '_', '-')");
    }

    @Test
    void unknownKeysAreErrorsInBothSections() {
        fails("[Interface]\nPrivateKey=" + PRIV + "\nDNSS = 1.1.1.1\n")
                .hasMessageStartingWith("postern.conf:3: DNSS: unknown key in [Interface]; known: PrivateKey,");
        fails("[Interface]\nPrivateKey=" + PRIV + "\n[Peer]\nPublicKey=" + PEER1 + "\nColour = blue\n")
                .hasMessageStartingWith("postern.conf:5: Colour: unknown key in [Peer]; known: PublicKey,");
    }

    @Test
    void unknownSectionsAndMalformedHeadersAreErrors() {
        fails("[Interface]\nPrivateKey=" + PRIV + "\n[Route]\n")
                .hasMessage("postern.conf:3: unknown section [Route]; known: [Interface], [Peer], [Plugin.NAME]");
        fails("[Interface\nPrivateKey=" + PRIV + "\n")
                .hasMessage("postern.conf:1: section header '[Interface' has no closing ']'");
    }

    @Test
    void keysOutsideSectionsLinesWithoutEqualsAndEmptyValuesAreErrors() {
        fails("PrivateKey = " + PRIV + "\n[Interface]\n")
                .hasMessage("postern.conf:1: PrivateKey: appears before any section; put it under [Interface] or [Peer]");
        fails("[Interface]\nPrivateKey=" + PRIV + "\nListenPort\n")
                .hasMessage("postern.conf:3: 'ListenPort' is not a 'Key = Value' line");
        fails("[Interface]\nPrivateKey=" + PRIV + "\nListenPort =\n")
                .hasMessage("postern.conf:3: ListenPort: has no value");
        fails("[Interface]\nPrivateKey=" + PRIV + "\n = 5\n")
                .hasMessage("postern.conf:3: line has '=' but no key before it");
    }

    @Test
    void repeatedSingleValuedKeysAreErrors() {
        fails("[Interface]\nPrivateKey=" + PRIV + "\nListenPort=1\nlistenport=2\n")
                .hasMessage("postern.conf:4: listenport: is set twice in this section (first on line 3)");
        fails("[Interface]\nPrivateKey=" + PRIV + "\n[Peer]\nPublicKey=" + PEER1 + "\nEndpoint=1.2.3.4:5\nEndpoint=1.2.3.4:6\n")
                .hasMessage("postern.conf:6: Endpoint: is set twice in this section (first on line 5)");
    }

    @Test
    void missingOrRepeatedInterfaceAndMissingKeysAreErrors() {
        fails("# nothing\n").hasMessage("postern.conf: no [Interface] section");
        fails("[Interface]\nListenPort = 5\n").hasMessage("postern.conf:1: [Interface] has no PrivateKey");
        fails("[Interface]\nPrivateKey=" + PRIV + "\n[Interface]\n")
                .hasMessage("postern.conf:3: second [Interface] section (the first is on line 1)");
        fails("[Interface]\nPrivateKey=" + PRIV + "\n[Peer]\nEndpoint=1.2.3.4:5\n")
                .hasMessage("postern.conf:3: [Peer] has no PublicKey");
    }

    @Test
    void duplicatePeersAreErrors() {
        fails("[Interface]\nPrivateKey=" + PRIV + "\n[Peer]\nPublicKey=" + PEER1 + "\n[Peer]\nPublicKey=" + PEER1 + "\n")
                .hasMessage("postern.conf:5: PublicKey: peer " + PublicKey.fromBase64(PEER1).shortForm()
                        + " is configured twice (first [Peer] on line 3)");
    }

    @Test
    void loadReadsAFileAndNamesItInErrors(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gw.conf");
        Files.writeString(file, "[Interface]\nPrivateKey = " + PRIV + "\nListenPort = 12345\n");
        assertThat(NodeConfig.load(file).listenPort()).isEqualTo(12345);

        Files.writeString(file, "[Interface]\nPrivateKey = " + PRIV + "\nListenPort = x\n");
        assertThatThrownBy(() -> NodeConfig.load(file)).isInstanceOf(ConfigException.class)
                .hasMessage(file + ":3: ListenPort: 'x' is not a port number (1-65535)");

        Path missing = dir.resolve("missing.conf");
        assertThatThrownBy(() -> NodeConfig.load(missing)).isInstanceOf(ConfigException.class)
                .hasMessage(missing + ": no such file");
        assertThatThrownBy(() -> NodeConfig.load(dir)).isInstanceOf(ConfigException.class)
                .hasMessage(dir + ": not a regular file");
    }

    @Test
    void builderOverridesKeepTheRest() {
        NodeConfig c = parse("[Interface]\nPrivateKey=" + PRIV + "\nListenPort=4000\n[Peer]\nPublicKey=" + PEER1 + "\n");
        NodeConfig o = c.toBuilder().listenPort(0).sessionPolicy("keep-both").build();
        assertThat(o.listenPort()).isZero();
        assertThat(o.sessionPolicy()).isEqualTo("keep-both");
        assertThat(o.peers()).isEqualTo(c.peers());
        assertThat(o.privateKey()).isEqualTo(c.privateKey());
        assertThat(List.of(o.admission(), o.handler())).containsExactly("allowlist", "echo");
    }

    /** {@code postern genkey >> postern.conf} leaves a bare private key on a line of its own. */
    @Test
    void noErrorPrintsKeyMaterial() {
        String secret = java.util.Base64.getEncoder().encodeToString(new byte[] {
                1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27,
                28, 29, 30, 31, 32});
        String fragment = secret.substring(0, 20);
        for (String text : List.of(
                "[Interface]\nPrivateKey = %s\n%s\n".formatted(PRIV, secret),
                "[Interface]\nPrivateKey = %s\n%s extra\n".formatted(PRIV, secret),
                "[Interface]\nPrivateKey = %s\nListenPort = %s\n".formatted(PRIV, secret),
                "[Interface]\nPrivateKey = %s\n[Peer]\nPublicKey = %s\nEndpoint = %s\n".formatted(PRIV, PEER1, secret),
                "[Interface]\nPrivateKey = %s\n[Peer]\nPublicKey = %s\nAllowedIPs = %s\n".formatted(PRIV, PEER1, secret),
                "[Interface]\nPrivateKey = %s\nMetricsListen = %s\n".formatted(PRIV, secret),
                "[Interface]\nPrivateKey = %s\n[%s\n".formatted(PRIV, secret))) {
            fails(text).satisfies(e -> assertThat(e.getMessage()).doesNotContain(fragment)
                    .contains(WgQuickConfigParser.KEY_LIKE));
        }
    }

    @Test
    void interfaceNameDefaultsToTheFileBaseNameAsInWgQuickAndMtuToZero() {
        NodeConfig c = WgQuickConfigParser.parse("/etc/postern/wg0.conf", List.of("[Interface]", "PrivateKey = " + PRIV));
        assertThat(c.interfaceName()).isEqualTo("wg0");
        assertThat(c.mtu()).isZero();
        assertThat(parse("[Interface]\nPrivateKey=" + PRIV + "\n").interfaceName()).isEqualTo("postern");
    }

    @Test
    void nameAndMtuForTheTunHandler() {
        NodeConfig c = parse("[Interface]\nPrivateKey=" + PRIV + "\nName = tun-gw.0\nMTU = 1380\nHandler = tun\n");
        assertThat(c.interfaceName()).isEqualTo("tun-gw.0");
        assertThat(c.mtu()).isEqualTo(1380);
        assertThat(c.toBuilder().build().mtu()).isEqualTo(1380);
    }

    @Test
    void badNameAndMtuNameLineAndKey() {
        fails("[Interface]\nPrivateKey=" + PRIV + "\nName = a-name-that-is-too-long\n")
                .hasMessage("postern.conf:3: Name: 'a-name-that-is-too-long' is not an interface name "
                        + "(1-15 of letters, digits, '_', '=', '+', '.', '-')");
        fails("[Interface]\nPrivateKey=" + PRIV + "\nName = wg/0\n").hasMessageContaining("is not an interface name");
        fails("[Interface]\nPrivateKey=" + PRIV + "\nMTU = 67\n")
                .hasMessage("postern.conf:3: MTU: '67' is not an MTU (68-65475)");
        fails("[Interface]\nPrivateKey=" + PRIV + "\nMTU = 65488\n").hasMessageContaining("is not an MTU");
        fails("[Interface]\nPrivateKey=" + PRIV + "\nMTU = 1420x\n").hasMessageContaining("is not an MTU");
        fails("[Interface]\nPrivateKey=" + PRIV + "\nMTU = 1420\nMTU = 1280\n")
                .hasMessage("postern.conf:4: MTU: is set twice in this section (first on line 3)");
    }
}
