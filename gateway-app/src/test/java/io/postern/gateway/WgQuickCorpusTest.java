package io.postern.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.postern.engine.PeerConfig;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.net.IpPrefix;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Real-world wg-quick files load as they are (the corpus in {@code src/test/resources/…/wg-quick-corpus}),
 * wg-quick's keys Postern does not act on are reported once each, and a file's errors come all at once.
 */
class WgQuickCorpusTest {
    static Stream<Path> corpus() throws IOException, URISyntaxException {
        Path dir = Path.of(WgQuickCorpusTest.class.getResource("wg-quick-corpus").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(7);
        return files.stream();
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void everyFileLoads(Path file) throws IOException {
        WgQuickConfigParser.Parsed parsed = WgQuickConfigParser.load(file);
        NodeConfig c = parsed.config();
        assertThat(c.peers()).isNotEmpty();
        // Address means IP traffic: the ip handler, unless the file says otherwise
        assertThat(c.handler()).isEqualTo(c.addresses().isEmpty() ? "echo" : "ip");
        List<String> text = Files.readAllLines(file);
        for (String key : List.of("DNS", "Table", "FwMark")) { // SaveConfig is applied (ConfigWriteBack)
            long lines = text.stream().filter(l -> l.strip().toLowerCase().startsWith(key.toLowerCase())).count();
            assertThat(parsed.notApplied().stream().filter(n -> n.toLowerCase().contains(": " + key.toLowerCase() + ": not applied")))
                    .as("%s reported once per line in %s", key, file.getFileName()).hasSize((int) lines);
        }
        assertThat(parsed.notApplied()).allMatch(n -> n.startsWith(file + ":") && n.contains("not applied by Postern"));
    }

    @Test
    void peerNamesAreReadFromTheirCommentsAsWgEasyAndPivpnWriteThem() throws Exception {
        Path dir = Path.of(WgQuickCorpusTest.class.getResource("wg-quick-corpus").toURI());
        assertThat(WgQuickConfigParser.load(dir.resolve("server-ipv4-nat.conf")).names().values())
                .containsExactly("laptop", "phone", "office router, with the LAN behind it");
        assertThat(WgQuickConfigParser.load(dir.resolve("pivpn-style.conf")).names().values())
                .containsExactly("alice-phone", "bob-laptop");
        assertThat(WgQuickConfigParser.load(dir.resolve("wg-easy-style.conf")).names().values()).containsExactly("carol");
        assertThat(WgQuickConfigParser.load(dir.resolve("server-dual-stack.conf")).names()).isEmpty();
    }

    @Test
    void hooksKeepTheirSemicolonsAndEmptyOnesAreNothing() throws Exception {
        Path dir = Path.of(WgQuickCorpusTest.class.getResource("wg-quick-corpus").toURI());
        WgQuickConfigParser.Hooks hooks = WgQuickConfigParser.load(dir.resolve("wg-easy-style.conf")).hooks();
        assertThat(hooks.preUp()).isEmpty();
        assertThat(hooks.postUp()).singleElement().asString()
                .startsWith("iptables -t nat -A POSTROUTING -s 198.19.50.0/24 -o eth0 -j MASQUERADE; iptables -A INPUT")
                .endsWith("iptables -A FORWARD -o wg0 -j ACCEPT;");
        WgQuickConfigParser.Hooks two = WgQuickConfigParser.load(dir.resolve("server-dual-stack.conf")).hooks();
        assertThat(two.preUp()).containsExactly("sysctl -w net.ipv4.ip_forward=1", "sysctl -w net.ipv6.conf.all.forwarding=1");
    }

    @Test
    void oddSpacingCaseAndCrlfAreReadAsWgQuickReadsThem() throws Exception {
        Path dir = Path.of(WgQuickCorpusTest.class.getResource("wg-quick-corpus").toURI());
        NodeConfig c = WgQuickConfigParser.load(dir.resolve("odd-spacing-crlf.conf")).config();
        assertThat(c.listenPort()).isEqualTo(51822);
        assertThat(c.addresses()).containsExactly(IpPrefix.parse("198.19.60.1/24"), IpPrefix.parse("198.19.61.1/24"));
        PeerConfig p = c.peers().getFirst();
        assertThat(p.allowedIps()).containsExactly(IpPrefix.parse("198.19.60.2/32"), IpPrefix.parse("198.19.61.0/24"));
        // a host name, resolved when the file is read
        assertThat(p.endpoint().port()).isEqualTo(51999);
        assertThat(p.endpoint().ip().isLoopbackAddress()).isTrue();
    }

    @Test
    void everyErrorOfAFileIsReportedAtOnce() {
        String text = """
                [Interface]
                PrivateKey = %s
                ListenPort = 99999
                MTU = big
                Colour = blue
                [Peer]
                PublicKey = %s
                AllowedIPs = 10.0.0.300/32
                Endpoint = nowhere.invalid:51820
                [Peer]
                AllowedIPs = 10.0.0.3/32
                """.formatted(WgQuickConfigParserTest.PRIV, WgQuickConfigParserTest.PEER1);
        assertThatThrownBy(() -> WgQuickConfigParser.parse("wg0.conf", text.lines().toList()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("wg0.conf: 6 problems in the configuration:\n  wg0.conf:3: ListenPort: '99999' is not a port")
                .hasMessageContaining("\n  wg0.conf:4: MTU: 'big' is not an MTU")
                .hasMessageContaining("\n  wg0.conf:5: Colour: unknown key in [Interface]")
                .hasMessageContaining("\n  wg0.conf:8: AllowedIPs: '10.0.0.300/32'")
                .hasMessageContaining("\n  wg0.conf:9: Endpoint: 'nowhere.invalid:51820': cannot resolve host 'nowhere.invalid'")
                .hasMessageContaining("\n  wg0.conf:10: [Peer] has no PublicKey");
    }

    @Test
    void peersOnlyFilesAreWhatSyncconfReads() {
        List<PeerConfig> peers = WgQuickConfigParser.parsePeers("-", """
                [Peer]
                PublicKey = %s
                AllowedIPs = 10.0.0.2/32
                Endpoint = 127.0.0.1:4000
                """.formatted(WgQuickConfigParserTest.PEER1).lines().toList());
        assertThat(peers).singleElement().satisfies(p -> {
            assertThat(p.publicKey()).isEqualTo(PublicKey.fromBase64(WgQuickConfigParserTest.PEER1));
            assertThat(p.endpoint()).isEqualTo(Endpoint.parse("127.0.0.1:4000"));
        });
        assertThat(WgQuickConfigParser.parsePeers("-", List.of())).isEmpty();
    }
}
