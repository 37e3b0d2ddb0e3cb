package io.postern.gateway;

import io.postern.engine.PeerConfig;
import io.postern.key.StaticKeyPair;
import io.postern.key.PresharedKey;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.net.IpPrefix;
import io.postern.spi.HandlerContext;
import io.postern.spi.PacketHandler;
import io.postern.spi.crypto.X25519;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training run of the image's AOT cache (JDK 25, JEP 483/514/515): {@code build-image.sh} runs it
 * once with {@code -XX:AOTCacheOutput}, and the cache it leaves records the classes this run loaded and
 * linked and the profiles of the methods it ran, so a real gateway starts and answers its first
 * handshakes without that work.
 *
 * <p>What it does is what a gateway does: {@code postern up} with a generated wg-quick configuration
 * (the {@code ip} handler, allowlist admission, the default policy) on 127.0.0.1, then client nodes on
 * loopback that connect, ping the gateway's tunnel address (64 and 1,200 bytes), and "restart" on the
 * same port with a new key, so the identity-change path, key confirmation and eviction run too. Only
 * loopback; bounded by {@link #ROUNDS} and {@link #DEADLINE}; exits the JVM when done (the JVM writes
 * the cache at exit). Not a user command.
 */
public final class AotTraining {
    /** Client restarts, each with a new key on the same port. */
    static final int ROUNDS = 24;
    /** The whole run ends by then, done or not. */
    static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final Duration REPLY_WAIT = Duration.ofSeconds(5);
    private static final String TUNNEL_GATEWAY = "198.19.0.1";
    private static final Logger LOG = LoggerFactory.getLogger(AotTraining.class);
    private static final Pattern LISTENING = Pattern.compile("listening on: \\S+ (\\S+):(\\d+)");

    private AotTraining() {}

    /**
     * Runs the training and exits (0: every round answered; 1: something failed, the cache is
     * still written but covers less).
     *
     * @param args ignored
     */
    public static void main(String[] args) throws Exception {
        if (System.getProperty(Main.GUICE_BYTECODE_GEN) == null) {
            System.setProperty(Main.GUICE_BYTECODE_GEN, "DISABLED");
        }
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        Thread watchdog = Thread.ofPlatform().daemon(true).name("postern-aot-training-deadline").start(() -> {
            try {
                Thread.sleep(DEADLINE.plusSeconds(5));
                LOG.warn("aot training: deadline passed, exiting");
                System.exit(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        int code;
        try {
            code = train(deadline) ? 0 : 1;
        } catch (Exception e) {
            LOG.warn("aot training failed", e);
            code = 1;
        }
        watchdog.interrupt();
        System.exit(code); // runs `up`'s shutdown hook (the gateway's graceful stop) as a real stop does
    }

    private static boolean train(long deadline) throws Exception {
        Path dir = Files.createTempDirectory("postern-aot-training");
        X25519 x25519 = PluginRegistry.load().crypto().select(NodeConfig.DEFAULT_CRYPTO_PROVIDER).x25519();
        StaticKeyPair gateway = x25519.generateKeyPair();
        List<StaticKeyPair> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            clients.add(x25519.generateKeyPair());
        }
        Path conf = dir.resolve("postern.conf");
        StringBuilder text = new StringBuilder("[Interface]\nPrivateKey = " + gateway.privateKey().toBase64()
                + "\nListenAddress = 127.0.0.1\nListenPort = " + freeLoopbackPort() + "\nAddress = " + TUNNEL_GATEWAY + "/24\n"
                + "Handler = ip\nAdmission = allowlist\n");
        for (int i = 0; i < clients.size(); i++) {
            text.append("\n[Peer]\nPublicKey = ").append(clients.get(i).publicKey().toBase64())
                    .append("\nAllowedIPs = 198.19.0.").append(i + 2).append("/32\n");
        }
        Files.writeString(conf, text);
        Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-------"));

        // `postern up`, exactly as the launcher runs it, on its own thread; its stdout is read for the port
        LineWatch out = new LineWatch();
        Thread up = Thread.ofPlatform().daemon(true).name("postern-aot-training-up").start(() ->
                Main.run(new String[] {"up", "--config", conf.toString(), "--data-dir", dir.toString()},
                        InputStream.nullInputStream(), new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(new LogLines(), true, StandardCharsets.UTF_8),
                        Map.of()));
        Matcher m = out.await(LISTENING, deadline);
        if (m == null) {
            LOG.warn("aot training: the gateway did not report its port{}", up.isAlive() ? "" : " (it exited)");
            return false;
        }
        Endpoint gw = Endpoint.of(InetAddress.getByName(m.group(1)), Integer.parseInt(m.group(2)));

        int port = freeLoopbackPort();
        int answered = 0;
        for (int round = 0; round < ROUNDS && System.nanoTime() - deadline < 0; round++) {
            int k = round % clients.size();
            if (client(clients.get(k), 2 + k, gateway.publicKey(), gw, port, round)) {
                answered++;
            }
        }
        LOG.info("aot training: {} of {} client restarts answered", answered, ROUNDS);
        return answered == ROUNDS;
    }

    /** @return a UDP port on 127.0.0.1 that was free a moment ago (the configuration needs a real port) */
    private static int freeLoopbackPort() throws IOException {
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return probe.getLocalPort();
        }
    }

    /** One client incarnation: connect from {@code port}, ping the gateway with 64 and 1,200 bytes, stop. */
    private static boolean client(StaticKeyPair key, int host, PublicKey gateway, Endpoint gw, int port, int round)
            throws IOException, InterruptedException {
        LinkedBlockingQueue<byte[]> replies = new LinkedBlockingQueue<>();
        PacketHandler capture = new PacketHandler() {
            @Override
            public String name() {
                return "aot-training-capture";
            }

            @Override
            public String description() {
                return "collects the gateway's replies during the AOT training run";
            }

            @Override
            public void onPacket(PublicKey peer, byte[] buf, int off, int len, HandlerContext ctx) {
                replies.add(java.util.Arrays.copyOfRange(buf, off, off + len));
            }
        };
        // the clients use udp-linux where it runs (the gateway the default udp), so both transports are trained
        String transport = round % 2 == 0 && PluginRegistry.load().transports().names().contains("udp-linux")
                ? "udp-linux" : NodeConfig.DEFAULT_TRANSPORT;
        NodeConfig config = NodeConfig.builder(key.privateKey()).listenAddress(InetAddress.getLoopbackAddress())
                .listenPort(port).transport(transport).address(IpPrefix.parse("198.19.0." + host + "/24")).handler(capture)
                .admission("allowlist")
                .peer(new PeerConfig(gateway, PresharedKey.NONE, List.of(IpPrefix.parse("198.19.0.0/24")), gw,
                        Duration.ZERO))
                .build();
        boolean ok = true;
        try (PosternNode node = PosternNode.start(config)) {
            for (int size : new int[] {64, 1200, 1200, 64}) {
                byte[] ping = IcmpEcho.request(new byte[] {(byte) 198, 19, 0, (byte) host},
                        new byte[] {(byte) 198, 19, 0, 1}, round, size);
                node.engine().send(gateway, ping, 0, ping.length);
                ok &= replies.poll(REPLY_WAIT.toMillis(), TimeUnit.MILLISECONDS) != null;
            }
        }
        return ok;
    }

    /** The CLI's error stream during training, as log lines. */
    private static final class LogLines extends OutputStream {
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                LOG.warn("aot training: postern up: {}", line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else {
                line.write(b);
            }
        }
    }

    /** The gateway's stdout, searched line by line. */
    private static final class LineWatch extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final Map<Pattern, Matcher> found = new HashMap<>();

        @Override
        public synchronized void write(int b) {
            bytes.write(b);
            notifyAll();
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            bytes.write(b, off, len);
            notifyAll();
        }

        synchronized Matcher await(Pattern p, long deadlineNanos) throws InterruptedException {
            while (true) {
                Matcher m = p.matcher(bytes.toString(StandardCharsets.UTF_8));
                if (m.find()) {
                    found.put(p, m);
                    return m;
                }
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    /** IPv4 ICMP echo requests. */
    static final class IcmpEcho {
        private IcmpEcho() {}

        /** @return an IPv4 packet of {@code size} bytes holding an ICMP echo request */
        static byte[] request(byte[] src, byte[] dst, int seq, int size) {
            byte[] p = new byte[size];
            p[0] = 0x45;
            p[2] = (byte) (size >>> 8);
            p[3] = (byte) size;
            p[8] = 64; // TTL
            p[9] = 1; // ICMP
            System.arraycopy(src, 0, p, 12, 4);
            System.arraycopy(dst, 0, p, 16, 4);
            putChecksum(p, 10, checksum(p, 0, 20));
            p[20] = 8; // echo request
            p[24] = 0x17;
            p[25] = 0x17;
            p[26] = (byte) (seq >>> 8);
            p[27] = (byte) seq;
            for (int i = 28; i < size; i++) {
                p[i] = (byte) i;
            }
            putChecksum(p, 22, checksum(p, 20, size - 20));
            return p;
        }

        private static int checksum(byte[] b, int off, int len) {
            long sum = 0;
            for (int i = 0; i + 1 < len; i += 2) {
                sum += ((b[off + i] & 0xff) << 8) | (b[off + i + 1] & 0xff);
            }
            if ((len & 1) != 0) {
                sum += (b[off + len - 1] & 0xff) << 8;
            }
            while ((sum >>> 16) != 0) {
                sum = (sum & 0xffff) + (sum >>> 16);
            }
            return (int) (~sum & 0xffff);
        }

        private static void putChecksum(byte[] b, int off, int v) {
            b[off] = (byte) (v >>> 8);
            b[off + 1] = (byte) v;
        }
    }
}
