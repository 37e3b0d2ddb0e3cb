package io.postern.it.netns;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code postern userspace} in wireguard-go's place, driven only by {@code wg} and {@code ip}: two
 * instances start in an underlay namespace (each detaches, as wireguard-go does), their TUN
 * interfaces are moved into namespaces A and B while the UAPI sockets stay in
 * {@code /var/run/wireguard}, and {@code wg set} gives them private keys, listen ports, a preshared
 * key, peers, allowed IPs and endpoints (127.0.0.1 in the underlay). Ping both ways over IPv4 and
 * IPv6 (2001:2::/48, the IPv6 benchmarking range), iperf3 TCP, then a live private key change and a
 * live listen port change, each followed by another ping.
 *
 * <pre>
 *   ns A: interface a, 198.18.9.1/24 2001:2:0:9::1/64      ns B: interface b, 198.18.9.2/24 2001:2:0:9::2/64
 *                 \  (moved there with ip link set … netns)  /
 *   underlay ns: postern userspace a (UDP 127.0.0.1:P1) ⇄ postern userspace b (UDP 127.0.0.1:P2)
 * </pre>
 * Needs root, wg, ip, ping, iperf3, setsid; CI runs it.
 */
class UserspaceDropInIT {
    private static final Pattern MBITS = Pattern.compile("\"sum_received\":\\s*\\{[^}]*?\"bits_per_second\":\\s*([0-9.e+]+)");

    @Test
    void twoInstancesConfiguredOnlyWithWgAndIpReachEachOtherAndTakeKeyAndPortChangesLive() throws Exception {
        try (NetnsLab lab = NetnsLab.open()) {
            String underlay = lab.namespace("u");
            String nsA = lab.namespace("A");
            String nsB = lab.namespace("B");
            String a = lab.name("a");
            String b = lab.name("b");
            Path log = lab.dir().resolve("userspace.log");
            try {
                start(lab, underlay, a, log);
                start(lab, underlay, b, log);
                for (String name : List.of(a, b)) {
                    assertThat(Path.of("/var/run/wireguard", name + ".sock")).as("UAPI socket of %s", name).exists();
                    assertThat(lab.exec(underlay, "ip", "-o", "link", "show", "dev", name).exitCode())
                            .as("TUN interface %s in the underlay namespace", name).isZero();
                }
                assertThat(wg("show", a, "listen-port").stdout().strip()).as("a random port until set").isNotEmpty();
                assertThat(wg("show", a, "private-key").stdout().strip()).as("no private key until set").isEqualTo("(none)");

                lab.exec(underlay, "ip", "link", "set", a, "netns", nsA).orThrow();
                lab.exec(underlay, "ip", "link", "set", b, "netns", nsB).orThrow();
                String ifindexA = ifindex(lab, nsA, a);

                WgKeys keyA = WgKeys.generate();
                WgKeys keyB = WgKeys.generate();
                Path psk = lab.dir().resolve("psk");
                Files.writeString(psk, wg("genpsk").stdout(), StandardCharsets.UTF_8);
                wg("set", a, "private-key", keyFile(lab, "a.key", keyA), "listen-port", "51931",
                        "peer", keyB.publicKey(), "preshared-key", psk.toString(),
                        "allowed-ips", "198.18.9.2/32,2001:2:0:9::2/128", "endpoint", "127.0.0.1:51932");
                wg("set", b, "private-key", keyFile(lab, "b.key", keyB), "listen-port", "51932",
                        "peer", keyA.publicKey(), "preshared-key", psk.toString(),
                        "allowed-ips", "198.18.9.1/32,2001:2:0:9::1/128", "endpoint", "127.0.0.1:51931");
                address(lab, nsA, a, "198.18.9.1/24", "2001:2:0:9::1/64");
                address(lab, nsB, b, "198.18.9.2/24", "2001:2:0:9::2/64");
                assertThat(wg("show", a, "public-key").stdout().strip()).isEqualTo(keyA.publicKey());
                assertThat(wg("show", a, "listen-port").stdout().strip()).isEqualTo("51931");

                assertThat(ping(lab, nsA, "198.18.9.2")).as("A → B IPv4").isTrue();
                assertThat(ping(lab, nsB, "198.18.9.1")).as("B → A IPv4").isTrue();
                assertThat(ping(lab, nsA, "2001:2:0:9::2")).as("A → B IPv6").isTrue();
                assertThat(ping(lab, nsB, "2001:2:0:9::1")).as("B → A IPv6").isTrue();

                lab.start(nsB, List.of(), "iperf3", "-s", "-B", "198.18.9.2");
                TunGatewayIT.awaitPort(lab, nsB, 5201);
                String json = lab.exec(nsA, Duration.ofSeconds(30), "iperf3", "-c", "198.18.9.2", "-t", "2", "-J")
                        .orThrow().stdout();
                Matcher m = MBITS.matcher(json);
                assertThat(m.find()).as("iperf3 summary in %s", json).isTrue();
                double bits = Double.parseDouble(m.group(1));
                System.out.printf("postern userspace: iperf3 TCP A → B %.1f Mbit/s%n", bits / 1e6);
                assertThat(bits).as("TCP between the two instances").isGreaterThan(1e6);

                // a live private key change on B: A learns the new public key, the old one goes
                WgKeys keyB2 = WgKeys.generate();
                wg("set", b, "private-key", keyFile(lab, "b2.key", keyB2));
                assertThat(wg("show", b, "public-key").stdout().strip()).isEqualTo(keyB2.publicKey());
                wg("set", a, "peer", keyB.publicKey(), "remove", "peer", keyB2.publicKey(), "preshared-key", psk.toString(),
                        "allowed-ips", "198.18.9.2/32,2001:2:0:9::2/128", "endpoint", "127.0.0.1:51932");
                assertThat(wg("show", a, "peers").stdout().strip()).isEqualTo(keyB2.publicKey());
                assertThat(ping(lab, nsA, "198.18.9.2")).as("A → B after B's key change").isTrue();
                assertThat(wg("show", b, "peers").stdout().strip()).as("B keeps its peers across the key change")
                        .isEqualTo(keyA.publicKey());

                // a live listen port change on A (its sessions end with the restart; A's handshake comes from the new port)
                wg("set", a, "listen-port", "51941");
                assertThat(wg("show", a, "listen-port").stdout().strip()).isEqualTo("51941");
                wg("set", b, "peer", keyA.publicKey(), "endpoint", "127.0.0.1:51941");
                assertThat(ping(lab, nsA, "2001:2:0:9::2")).as("A → B after A's port change").isTrue();
                assertThat(ping(lab, nsB, "2001:2:0:9::1")).as("B → A after A's port change").isTrue();
                assertThat(ifindex(lab, nsA, a)).as("the same interface, still in A, across restarts").isEqualTo(ifindexA);
            } finally {
                stopAll(lab, underlay);
                if (Files.exists(log)) {
                    System.out.println("postern userspace log:\n" + Files.readString(log, StandardCharsets.UTF_8));
                }
            }
            assertThat(Path.of("/var/run/wireguard", a + ".sock")).as("socket removed on SIGTERM").doesNotExist();
            assertThat(lab.exec(nsA, "ip", "link", "show", "dev", a).exitCode()).as("interface gone with its process")
                    .isNotZero();
        }
    }

    /** {@code postern userspace NAME} in {@code ns}, as a script runs wireguard-go: it returns once the device is ready. */
    private static void start(NetnsLab lab, String ns, String name, Path log) {
        Path image = Path.of(System.getProperty("postern.root.dir", ".")).resolve("gateway-app/target/image/bin/postern");
        assertThat(image).as("the gateway image (./mvnw -B package builds it)").isExecutable();
        // the detached child inherits stdout/stderr when LOG_LEVEL asks for logs: a file, not this test's pipe
        Command.Result r = lab.exec(ns, Duration.ofSeconds(90), "env", "LOG_LEVEL=verbose", "sh", "-c",
                "exec \"$0\" userspace \"$1\" >>\"$2\" 2>&1", image.toString(), name, log.toString());
        assertThat(r.exitCode()).as("postern userspace %s exits 0 once detached: %s", name, r).isZero();
    }

    /** SIGTERM to every process left in the underlay namespace (the detached instances), then waits for them. */
    private static void stopAll(NetnsLab lab, String ns) throws InterruptedException {
        List<ProcessHandle> left = new ArrayList<>();
        for (String pid : Command.run(List.of("ip", "netns", "pids", ns)).stdout().split("\\s+")) {
            if (!pid.isBlank()) {
                ProcessHandle.of(Long.parseLong(pid)).ifPresent(left::add);
            }
        }
        left.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + 20_000_000_000L;
        for (ProcessHandle p : left) {
            while (p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
    }

    private static Command.Result wg(String... args) {
        List<String> cmd = new ArrayList<>(List.of("wg"));
        cmd.addAll(List.of(args));
        return Command.run(cmd).orThrow();
    }

    private static String keyFile(NetnsLab lab, String file, WgKeys keys) throws Exception {
        Path p = lab.dir().resolve(file);
        Files.writeString(p, keys.privateKey() + "\n", StandardCharsets.UTF_8);
        return p.toString();
    }

    private static void address(NetnsLab lab, String ns, String dev, String v4, String v6) {
        lab.exec(ns, "ip", "addr", "add", v4, "dev", dev).orThrow();
        lab.exec(ns, "ip", "addr", "add", v6, "dev", dev, "nodad").orThrow();
        lab.exec(ns, "ip", "link", "set", dev, "up").orThrow();
    }

    private static String ifindex(NetnsLab lab, String ns, String dev) {
        return lab.exec(ns, "cat", "/sys/class/net/" + dev + "/ifindex").orThrow().stdout().strip();
    }

    /** Pings once a second until a reply (the first starts the handshake), at most 10 tries. */
    private static boolean ping(NetnsLab lab, String ns, String target) {
        for (int i = 0; i < 10; i++) {
            if (lab.exec(ns, "ping", "-c", "1", "-W", "1", target).exitCode() == 0) {
                return true;
            }
        }
        return false;
    }
}
