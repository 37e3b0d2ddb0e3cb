package io.postern.it.netns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code Handler = tun} for real: the gateway image ({@code bin/postern up}) runs in a gateway
 * namespace of its own with a kernel TUN interface and plain kernel forwarding
 * ({@code net.ipv4.ip_forward=1}); an unmodified wireguard-go client behind a NAT router reaches a
 * host on the LAN behind the gateway, and the host's replies come back through the tunnel.
 *
 * <pre>
 *   client ns                router ns (NAT)               gateway ns                     host ns
 *   wireguard-go wg          198.18.5.1 | 198.18.4.2 ----- 198.18.4.1:51820 (UDP)
 *   198.19.0.2/24            masquerade out of wan         tun 198.19.0.1/24, forwarding   198.18.6.2
 *   198.18.5.2 ------------- lan                           198.18.6.1 -------------------- (default via .1)
 * </pre>
 * Needs root, wireguard-go, wg, ip, nft, ping and iperf3; CI runs it.
 */
class TunGatewayIT {
    private static final String GATEWAY_WAN = "198.18.4.1";
    private static final String HOST = "198.18.6.2";
    private static final int GATEWAY_PORT = 51820;
    private static final int CLIENT_PORT = 51999;
    private static final Duration START_BOUND = Duration.ofSeconds(60);

    /** The namespaces, the running gateway and its files. */
    private record Net(NetnsLab lab, String client, String gateway, String host, String tun, Path log) {}

    private static Net network(NetnsLab lab) {
        String client = lab.namespace("c");
        String router = lab.namespace("r");
        String gateway = lab.namespace("g");
        String host = lab.namespace("h");
        lab.veth(client, "ce", "198.18.5.2/24", router, "rl", "198.18.5.1/24");
        String[] wan = lab.veth(router, "rw", "198.18.4.2/24", gateway, "gw", GATEWAY_WAN + "/24");
        lab.veth(gateway, "gl", "198.18.6.1/24", host, "he", HOST + "/24");
        lab.exec(client, "ip", "route", "add", "default", "via", "198.18.5.1").orThrow();
        lab.exec(host, "ip", "route", "add", "default", "via", "198.18.6.1").orThrow();
        lab.natRouter(router, wan[0]);
        lab.exec(gateway, "sysctl", "-qw", "net.ipv4.ip_forward=1").orThrow();
        return new Net(lab, client, gateway, host, lab.name("tg"), lab.dir().resolve("gateway.log"));
    }

    /**
     * Writes the gateway's configuration (one [Peer] per client key, tunnel address 198.19.0.2, .3, …)
     * and starts {@code bin/postern up} in the gateway namespace.
     */
    private static Process startGateway(Net net, WgKeys gatewayKeys, WgKeys... clients) throws IOException {
        return startGateway(net, List.of(), false, gatewayKeys, clients);
    }

    /**
     * @param wrapper           a command the launcher runs under (e.g. setpriv), or empty
     * @param nameOnCommandLine the interface name as {@code up --name} instead of {@code Name} in the file
     */
    private static Process startGateway(Net net, List<String> wrapper, boolean nameOnCommandLine, WgKeys gatewayKeys,
                                        WgKeys... clients) throws IOException {
        StringBuilder conf = new StringBuilder("""
                [Interface]
                PrivateKey = %s
                ListenPort = %d
                %s
                MTU = 1420
                Address = 198.19.0.1/24
                Handler = tun
                CryptoProvider = bouncycastle
                """.formatted(gatewayKeys.privateKey(), GATEWAY_PORT, nameOnCommandLine ? "" : "Name = " + net.tun()));
        for (int i = 0; i < clients.length; i++) {
            conf.append("\n[Peer]\nPublicKey = ").append(clients[i].publicKey())
                    .append("\nAllowedIPs = 198.19.0.").append(2 + i).append("/32\n");
        }
        Path file = net.lab().dir().resolve("gateway.conf");
        Files.writeString(file, conf, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Path image = Path.of(System.getProperty("postern.root.dir", ".")).resolve("gateway-app/target/image/bin/postern");
        assertThat(image).as("the gateway image (./mvnw -B package builds it)").isExecutable();
        List<String> command = new java.util.ArrayList<>(List.of("ip", "netns", "exec", net.gateway()));
        command.addAll(wrapper);
        // the wg socket in the lab's directory, never in the machine's /var/run/wireguard
        command.addAll(List.of(image.toString(), "up", "--config", file.toString(), "--data-dir", net.lab().dir().toString(),
                "--uapi-dir", net.lab().dir().toString()));
        if (nameOnCommandLine) {
            command.addAll(List.of("--name", net.tun()));
        }
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(net.log().toFile()).start();
    }

    private static String log(Net net) throws IOException {
        return Files.readString(net.log(), StandardCharsets.UTF_8);
    }

    private static void awaitLog(Net net, Process gateway, String text, Duration bound) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!log(net).contains(text)) {
            assertThat(gateway.isAlive()).as("gateway running; log:\n%s", log(net)).isTrue();
            assertThat(System.nanoTime()).as("'%s' logged within %s; log:\n%s", text, bound, log(net)).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static WireGuardGoPeer client(Net net, WgKeys keys, String tunnelIp, WgKeys gatewayKeys) throws Exception {
        WireGuardGoPeer wg = WireGuardGoPeer.start(net.lab(), net.client(), "wg", keys.privateKey(), tunnelIp + "/24",
                CLIENT_PORT);
        wg.setPeer(gatewayKeys.publicKey(), GATEWAY_WAN + ":" + GATEWAY_PORT, "198.19.0.0/24,198.18.6.0/24", 0);
        wg.route("198.18.6.0/24");
        return wg;
    }

    private static void stop(Net net, Process gateway) throws Exception {
        gateway.destroy(); // SIGTERM: the graceful stop
        assertThat(gateway.waitFor(20, TimeUnit.SECONDS)).as("gateway stops on SIGTERM; log:\n%s", log(net)).isTrue();
    }

    @Test
    void clientBehindNatReachesTheHostBehindTheGatewayAndTheInterfaceGoesWithTheGateway() throws Exception {
        try (NetnsLab lab = NetnsLab.open()) {
            Net net = network(lab);
            WgKeys gatewayKeys = WgKeys.generate();
            WgKeys clientKeys = WgKeys.generate();
            Process gateway = startGateway(net, gatewayKeys, clientKeys);
            try {
                awaitLog(net, gateway, "node started", START_BOUND);
                assertThat(lab.exec(net.gateway(), "ip", "-o", "addr", "show", "dev", net.tun()).orThrow().stdout())
                        .contains("198.19.0.1/24");
                assertThat(lab.exec(net.gateway(), "ip", "-o", "link", "show", "dev", net.tun()).orThrow().stdout())
                        .contains("mtu 1420").contains(",UP");
                WireGuardGoPeer wg = client(net, clientKeys, "198.19.0.2", gatewayKeys);

                // the first echo request starts the handshake; give it a few tries, then 20 must all come back
                assertThat(firstReplyWithin(wg, HOST, 10)).as("first reply from the host behind the gateway").isTrue();
                assertThat(wg.ping(HOST, 20, Duration.ofMillis(20), Duration.ofSeconds(1))).isGreaterThanOrEqualTo(19);
                // the gateway's own tunnel address answers too (the kernel, through the TUN interface)
                assertThat(wg.ping("198.19.0.1", 3, Duration.ofMillis(20), Duration.ofSeconds(1))).isEqualTo(3);

                lab.start(net.host(), List.of(), "iperf3", "-s", "-B", HOST);
                awaitPort(lab, net.host(), 5201);
                Command.Result tcp = lab.exec(net.client(), Duration.ofSeconds(30), "iperf3", "-c", HOST, "-t", "2", "-J");
                double tcpBits = number(tcp.orThrow().stdout(), "\"sum_received\":\\s*\\{[^}]*?\"bits_per_second\":\\s*([0-9.e+]+)");
                System.out.printf("tun gateway: iperf3 TCP %.1f Mbit/s%n", tcpBits / 1e6);
                assertThat(tcpBits).as("TCP through the TUN gateway").isGreaterThan(1e6);

                Command.Result udp = lab.exec(net.client(), Duration.ofSeconds(30), "iperf3", "-c", HOST, "-u", "-b",
                        "20M", "-l", "1200", "-t", "2", "-J");
                String udpJson = udp.orThrow().stdout();
                double lost = number(udpJson, "\"sum\":\\s*\\{[^}]*?\"lost_percent\":\\s*([0-9.e+-]+)");
                double packets = number(udpJson, "\"sum\":\\s*\\{[^}]*?\"packets\":\\s*([0-9]+)");
                System.out.printf("tun gateway: iperf3 UDP 20 Mbit/s, 1200 B: %.0f packets, %.2f %% lost%n", packets, lost);
                assertThat(packets).isPositive();
                assertThat(lost).as("UDP loss at 20 Mbit/s").isLessThanOrEqualTo(5.0);

                stop(net, gateway);
                assertThat(log(net)).contains("tun interface closed name=" + net.tun());
                assertThat(lab.exec(net.gateway(), "ip", "link", "show", "dev", net.tun()).exitCode())
                        .as("the interface is removed when the gateway stops").isNotZero();
            } finally {
                gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * The seed scenario through the TUN gateway: the client restarts with a new key from the same NAT
     * mapping (same LAN address and port) and its very first echo request to the host behind the
     * gateway is answered (the handshake it starts completes and carries the staged packet: one round
     * trip), and the gateway evicts the stale session.
     */
    @Test
    void clientRestartingWithANewKeyReachesTheHostAgainAndTheStaleSessionIsEvicted() throws Exception {
        int restarts = 3;
        try (NetnsLab lab = NetnsLab.open()) {
            Net net = network(lab);
            WgKeys gatewayKeys = WgKeys.generate();
            WgKeys[] keys = new WgKeys[restarts + 1];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = WgKeys.generate();
            }
            // the interface named with up --name (one name for it and the wg socket), not Name in the file
            Process gateway = startGateway(net, List.of(), true, gatewayKeys, keys);
            try {
                awaitLog(net, gateway, "node started", START_BOUND);
                assertThat(log(net)).contains("tun interface up name=" + net.tun());
                WireGuardGoPeer wg = client(net, keys[0], "198.19.0.2", gatewayKeys);
                assertThat(firstReplyWithin(wg, HOST, 10)).as("first client reaches the host").isTrue();
                for (int run = 1; run <= restarts; run++) {
                    wg.kill();
                    wg = client(net, keys[run], "198.19.0." + (2 + run), gatewayKeys);
                    long start = System.nanoTime();
                    int replies = wg.ping(HOST, 1, Duration.ofMillis(200), Duration.ofSeconds(3));
                    long ms = (System.nanoTime() - start) / 1_000_000;
                    System.out.printf("tun gateway: restart %d with a new key, first echo answered: %s in %d ms%n",
                            run, replies == 1, ms);
                    assertThat(replies).as("restart %d: the first echo request through the gateway is answered", run)
                            .isEqualTo(1);
                    String evicted = "stale session detected, resetting connection old=" + shortForm(keys[run - 1])
                            + " new=" + shortForm(keys[run]);
                    awaitLog(net, gateway, evicted, Duration.ofSeconds(5));
                }
                stop(net, gateway);
            } finally {
                gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Without CAP_NET_ADMIN (dropped from the bounding set) the gateway refuses to start and says why. */
    @Test
    void withoutCapNetAdminTheGatewayRefusesToStartNamingTheCapability() throws Exception {
        try (NetnsLab lab = NetnsLab.open()) {
            Net net = network(lab);
            Process gateway = startGateway(net, List.of("setpriv", "--bounding-set", "-net_admin"), false,
                    WgKeys.generate());
            try {
                assertThat(gateway.waitFor(START_BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
                assertThat(gateway.exitValue()).as("exit code; log:\n%s", log(net)).isEqualTo(1);
                assertThat(log(net)).contains("cannot create TUN interface " + net.tun()
                        + ": operation not permitted: creating or attaching a TUN interface needs CAP_NET_ADMIN");
                assertThat(lab.exec(net.gateway(), "ip", "link", "show", "dev", net.tun()).exitCode()).isNotZero();
            } finally {
                gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static String shortForm(WgKeys keys) {
        return keys.publicKey().substring(0, 8) + "…";
    }

    /** Pings once a second until a reply; @return whether one came within {@code tries} tries. */
    private static boolean firstReplyWithin(WireGuardGoPeer wg, String target, int tries) {
        for (int i = 0; i < tries; i++) {
            if (wg.ping(target, 1, Duration.ofMillis(200), Duration.ofSeconds(1)) == 1) {
                return true;
            }
        }
        return false;
    }

    static void awaitPort(NetnsLab lab, String ns, int port) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (lab.exec(ns, "sh", "-c", "ss -ltn | grep -q ':" + port + " '").exitCode() == 0) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("nothing listens on port " + port + " in " + ns);
    }

    /** @return the first number {@code regex} captures in the summary ({@code "end": {…}}) of iperf3's JSON */
    private static double number(String json, String regex) {
        Matcher end = Pattern.compile("\"end\":\\s*\\{").matcher(json);
        int from = -1;
        while (end.find()) {
            from = end.start();
        }
        assertThat(from).as("an end summary in iperf3 output:\n%s", json).isNotNegative();
        Matcher m = Pattern.compile(regex, Pattern.DOTALL).matcher(json.substring(from));
        assertThat(m.find()).as("%s in iperf3 output:\n%s", regex, json).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
