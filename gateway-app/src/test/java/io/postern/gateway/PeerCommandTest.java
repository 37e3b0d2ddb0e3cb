package io.postern.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.net.Endpoint;
import io.postern.net.IpPrefix;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code postern peer add NAME} provisions a client in one command: the printed wg-quick config,
 * loaded by a real node, connects to the running gateway; the file keeps the name; remove and list.
 */
class PeerCommandTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path dir;

    private RunningGateway gateway;

    @AfterEach
    void close() {
        if (gateway != null) {
            gateway.close();
        }
    }

    record Result(int code, String out, String err) {}

    private Result cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(UpCommand.DATA_DIR_ENV, dir.resolve("data").toString()));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void addPrintsAConfigThatConnectsAndKeepsTheNameRemoveTakesItAway() throws Exception {
        Path file = dir.resolve("gw.conf");
        Files.writeString(file, """
                [Interface]
                PrivateKey = %s
                ListenAddress = 127.0.0.1
                Address = 10.0.0.1/24
                Handler = echo

                [Peer]
                # laptop
                PublicKey = %s
                AllowedIPs = 10.0.0.2/32
                """.formatted(OperateTest.key(1).toBase64(), OperateTest.pub(2).toBase64()));
        WgQuickConfigParser.Parsed parsed = WgQuickConfigParser.load(file);
        gateway = RunningGateway.start(parsed.config(), PluginRegistry.load(), dir.resolve("data"), null, parsed.names());
        int port = gateway.node().localEndpoint().port();

        Result add = cli("peer", "add", "phone", "--config", file.toString(), "--endpoint", "127.0.0.1:" + port);
        assertThat(add.err()).isEmpty();
        assertThat(add.code()).isZero();
        NodeConfig client = WgQuickConfigParser.parse("client.conf", add.out().lines().toList());
        assertThat(client.addresses()).containsExactly(IpPrefix.parse("10.0.0.3/24"));
        assertThat(client.peers()).singleElement().satisfies(p -> {
            assertThat(p.publicKey()).isEqualTo(gateway.node().publicKey());
            assertThat(p.endpoint()).isEqualTo(Endpoint.of(LOOPBACK, port));
            assertThat(p.allowedIps()).containsExactly(IpPrefix.parse("10.0.0.0/24"));
        });

        // the printed configuration connects: a node with its key gets its payload echoed by the gateway
        PosternNodeTest.CapturingHandler got = new PosternNodeTest.CapturingHandler();
        try (PosternNode node = PosternNode.start(client.toBuilder().listenAddress(LOOPBACK).handler(got).build())) {
            node.engine().initiateHandshake(gateway.node().publicKey());
            byte[] p = "hello".getBytes(StandardCharsets.UTF_8);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (!node.engine().send(gateway.node().publicKey(), p, 0, p.length) || got.packets.poll(100, TimeUnit.MILLISECONDS) == null) {
                assertThat(System.nanoTime()).as("echo within 15 s").isLessThan(deadline);
            }
        }

        assertThat(Files.readString(file)).contains("# phone\n");
        assertThat(WgQuickConfigParser.load(file).names().values()).containsExactly("laptop", "phone");
        assertThat(cli("show").out()).contains("  name: phone\n", "  name: laptop\n");
        assertThat(cli("peer", "list", "--config", file.toString()).out()).startsWith("laptop\t").contains("\nphone\t");
        assertThat(cli("peer", "add", "phone", "--config", file.toString(), "--endpoint", "x:1").err())
                .contains("a peer named 'phone' is already in");

        Result remove = cli("peer", "remove", "phone", "--config", file.toString());
        assertThat(remove.err()).isEmpty();
        assertThat(WgQuickConfigParser.load(file).names().values()).containsExactly("laptop");
        assertThat(gateway.node().engine().peers()).hasSize(1);
        assertThat(cli("show").out()).doesNotContain("phone");
    }

    @Test
    void qrPrintsTheSameConfigAsAQrCodeThatDecodesBackToIt() throws Exception {
        Path file = dir.resolve("gw.conf");
        Files.writeString(file, """
                [Interface]
                PrivateKey = %s
                Address = 10.0.0.1/24
                """.formatted(OperateTest.key(1).toBase64()));

        Result add = cli("peer", "add", "phone", "--qr", "--preshared-key", "--config", file.toString(), "--endpoint", "198.18.0.1:51820");
        assertThat(add.code()).isZero();
        int qrStart = add.out().indexOf("\n\n" + TerminalQrCode.COLOURS);
        assertThat(qrStart).as("a QR code after the config").isPositive();
        String config = add.out().substring(0, qrStart + 1);
        assertThat(config).contains("[Interface]\nPrivateKey = ", "PresharedKey = ", "Endpoint = 198.18.0.1:51820\n");
        assertThat(WgQuickConfigParser.parse("client.conf", config.lines().toList()).addresses())
                .containsExactly(IpPrefix.parse("10.0.0.2/24"));

        // read the terminal text back as pixels and let ZXing's own reader decode them
        String printed = add.out().substring(qrStart + 2);
        assertThat(decode(printed)).isEqualTo(config);
        assertThat(cli("peer", "add", "tablet", "--config", file.toString(), "--endpoint", "198.18.0.1:51820").out())
                .as("no QR code without --qr").doesNotContain(TerminalQrCode.COLOURS);
    }

    /** @return the text of the QR code drawn in {@code printed} (half blocks: two module rows a line, light = lit) */
    static String decode(String printed) throws Exception {
        java.util.List<String> lines = printed.lines().map(l -> l.replace(TerminalQrCode.COLOURS, "").replace(TerminalQrCode.RESET, ""))
                .toList();
        int width = lines.getFirst().length();
        int height = lines.size() * 2;
        int scale = 4;
        int[] pixels = new int[width * scale * height * scale];
        for (int row = 0; row < lines.size(); row++) {
            String line = lines.get(row);
            assertThat(line).hasSize(width);
            for (int x = 0; x < width; x++) {
                char c = line.charAt(x);
                boolean upper = c == TerminalQrCode.BOTH_LIGHT || c == TerminalQrCode.UPPER_LIGHT;
                boolean lower = c == TerminalQrCode.BOTH_LIGHT || c == TerminalQrCode.LOWER_LIGHT;
                assertThat(upper || lower || c == TerminalQrCode.BOTH_DARK).as("a half-block character: '%s'", c).isTrue();
                for (int half = 0; half < 2; half++) {
                    int rgb = (half == 0 ? upper : lower) ? 0xFFFFFF : 0x000000;
                    for (int dy = 0; dy < scale; dy++) {
                        for (int dx = 0; dx < scale; dx++) {
                            pixels[((row * 2 + half) * scale + dy) * width * scale + x * scale + dx] = rgb;
                        }
                    }
                }
            }
        }
        com.google.zxing.BinaryBitmap bitmap = new com.google.zxing.BinaryBitmap(new com.google.zxing.common.HybridBinarizer(
                new com.google.zxing.RGBLuminanceSource(width * scale, height * scale, pixels)));
        return new com.google.zxing.qrcode.QRCodeReader().decode(bitmap,
                Map.of(com.google.zxing.DecodeHintType.CHARACTER_SET, "UTF-8")).getText();
    }
}
