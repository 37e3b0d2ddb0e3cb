package io.postern.it.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.engine.PeerConfig;
import io.postern.gateway.NodeConfig;
import io.postern.key.PrivateKey;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped image loads a transport from {@code plugins/}: the example {@code unix} transport
 * ({@code examples/transport-plugin}) in the plugins directory, {@code Transport = udp, unix} with
 * the socket path in {@code [Plugin.unix] Listen}. A Java peer reaches the gateway through it: its UDP
 * datagrams go through a small relay in this test onto the UNIX socket, framed as the plugin expects,
 * and the gateway's answers come back the same way.
 */
class ImageTransportPluginIT {
    private static final Duration START_BOUND = Duration.ofSeconds(30);
    private static final Duration STEP_BOUND = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private Nodes nodes;
    private Path plugins;

    @BeforeEach
    void setUp() throws IOException {
        nodes = new Nodes();
        plugins = Files.createDirectory(dir.resolve("plugins"));
    }

    @AfterEach
    void tearDown() {
        nodes.close();
    }

    private static Path exampleTransportJar() throws IOException {
        Path target = Path.of(System.getProperty("postern.root.dir", ".")).resolve("examples/transport-plugin/target");
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(f -> f.getFileName().toString().matches("postern-example-transport-plugin-.*\\.jar")
                            && !f.getFileName().toString().endsWith("-sources.jar"))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no example transport jar in " + target));
        }
    }

    /** UDP on 127.0.0.1 to and from the unix transport's socket, 16-bit length framing. */
    private static final class UnixRelay implements AutoCloseable {
        final DatagramChannel udp;
        final SocketChannel unix;
        volatile SocketAddress peer;
        final Thread up;
        final Thread down;

        UnixRelay(Path socket) throws IOException {
            udp = DatagramChannel.open().bind(new InetSocketAddress(Nodes.LOOPBACK, 0));
            unix = SocketChannel.open(StandardProtocolFamily.UNIX);
            unix.connect(UnixDomainSocketAddress.of(socket));
            up = Thread.ofPlatform().daemon(true).start(() -> {
                ByteBuffer in = ByteBuffer.allocate(65_535);
                try {
                    while (true) {
                        in.clear();
                        peer = udp.receive(in);
                        in.flip();
                        ByteBuffer frame = ByteBuffer.allocate(2 + in.remaining()).putShort((short) in.remaining()).put(in).flip();
                        while (frame.hasRemaining()) {
                            unix.write(frame);
                        }
                    }
                } catch (IOException closed) {
                    // done
                }
            });
            down = Thread.ofPlatform().daemon(true).start(() -> {
                try {
                    while (true) {
                        ByteBuffer header = ByteBuffer.allocate(2);
                        if (!fill(header)) {
                            return;
                        }
                        ByteBuffer body = ByteBuffer.allocate(header.getShort(0) & 0xffff);
                        if (!fill(body)) {
                            return;
                        }
                        udp.send(body.flip(), peer);
                    }
                } catch (IOException closed) {
                    // done
                }
            });
        }

        private boolean fill(ByteBuffer b) throws IOException {
            while (b.hasRemaining()) {
                if (unix.read(b) < 0) {
                    return false;
                }
            }
            return true;
        }

        Endpoint front() throws IOException {
            return new Endpoint((InetSocketAddress) udp.getLocalAddress());
        }

        @Override
        public void close() throws IOException {
            udp.close();
            unix.close();
        }
    }

    @Test
    void theImageLoadsTheExampleTransportAndAPeerConnectsThroughIt() throws Exception {
        PrivateKey gatewayKey = Nodes.freshKey();
        PublicKey gatewayPublic = PublicKey.fromBase64(ImageProcess.run(gatewayKey.toBase64(), STEP_BOUND, "pubkey"));
        Path jar = Files.copy(exampleTransportJar(), plugins.resolve("unix-transport.jar"));
        Path socket = dir.resolve("wg.sock");
        Path config = Files.writeString(dir.resolve("postern.conf"), """
                [Interface]
                PrivateKey = %s
                ListenAddress = 127.0.0.1
                Admission = open
                Handler = echo
                Transport = udp, unix

                [Plugin.unix]
                Listen = %s
                MaxConnections = 4
                """.formatted(gatewayKey.toBase64(), socket));
        try (ImageProcess process = ImageProcess.start(dir.resolve("gateway.log"),
                Map.of("POSTERN_LOG_LEVEL", "DEBUG", "POSTERN_DATA_DIR", dir.toString()),
                "up", "--config", config.toString(), "--plugins", plugins.toString())) {
            process.awaitLog("listening on:", START_BOUND);
            assertThat(process.log()).contains("plugin loaded jar=" + jar + " module=org.example.unixtransport")
                    .contains("transports=[unix]");
            try (UnixRelay relay = new UnixRelay(socket)) {
                CapturingHandler handler = new CapturingHandler();
                var node = nodes.start(NodeConfig.builder(Nodes.freshKey()).listenAddress(Nodes.LOOPBACK)
                        .peer(PeerConfig.of(gatewayPublic, relay.front())).handler(handler).build());
                TestPeer peer = new TestPeer(node, gatewayPublic, handler);
                peer.connectAndEcho(TestPeer.uniquePayload("over a unix socket"), STEP_BOUND);
                process.awaitLog("unix://0.0.0.0:1", STEP_BOUND);
            }
        }
    }
}
