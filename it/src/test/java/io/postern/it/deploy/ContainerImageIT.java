package io.postern.it.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.postern.engine.PeerConfig;
import io.postern.gateway.NodeConfig;
import io.postern.gateway.PosternNode;
import io.postern.it.netns.HttpProbe;
import io.postern.it.netns.IcmpEcho;
import io.postern.it.netns.NetnsLab;
import io.postern.it.netns.WgKeys;
import io.postern.key.PresharedKey;
import io.postern.key.PrivateKey;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.net.IpPrefix;
import io.postern.spi.HandlerContext;
import io.postern.spi.PacketHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The container image of {@code deploy/image/build.sh} (buildah, from scratch), built and started
 * once, as the Deployment in {@code deploy/kubernetes} runs it: the container's args from the
 * manifest (drain shortened to 2 s), the ConfigMap's configuration and a key in read-only bind
 * mounts, user 65532, no capabilities, no new privileges, a read-only root file system, its own
 * network namespace. It is run with runc, an OCI runtime buildah can use, on a bundle made from the
 * image's root file system (there is no podman or Kubernetes here; runc runs exactly what a kubelet's
 * runtime would hand it; crun 1.8 refuses this machine's hybrid cgroup v1/v2 layout). Checked: both
 * probes answer 200 on the pod address, a client's ping through the
 * tunnel is answered, SIGTERM turns {@code /readyz} to 503 at once and the gateway stops after the drain.
 */
class ContainerImageIT {
    private static final String HOST_IP = "198.18.125.1";
    private static final String POD_IP = "198.18.125.2";

    @Test
    void theImageRunsLockedDownWithTheManifestsArgsAndDrainsOnSigterm() throws Exception {
        requireTools();
        DeployManifests m = DeployManifests.read();
        String name = "localhost/postern-it:" + ProcessHandle.current().pid();
        Path root = DeployManifests.root();
        try (NetnsLab lab = NetnsLab.open()) {
            Path buildLog = lab.dir().resolve("build.log");
            Process build = new ProcessBuilder("bash", root.resolve("deploy/image/build.sh").toString(), name)
                    .redirectErrorStream(true).redirectOutput(buildLog.toFile()).start();
            assertThat(build.waitFor(5, TimeUnit.MINUTES)).as("image built within 5 minutes").isTrue();
            assertThat(build.exitValue()).as("build.sh:\n%s", Files.readString(buildLog)).isZero();
            String ctr = null;
            try {
                ctr = run("buildah", "from", "--pull-never", name).strip();
                Path rootfs = Path.of(run("buildah", "mount", ctr).strip());
                assertThat(rootfs.resolve("bin")).as("no shell, no tools: only the JVM").doesNotExist();
                runGateway(lab, m, rootfs);
            } finally {
                if (ctr != null) {
                    runQuietly("buildah", "umount", ctr);
                    runQuietly("buildah", "rm", ctr);
                }
                runQuietly("buildah", "rmi", name);
            }
        }
    }

    private void runGateway(NetnsLab lab, DeployManifests m, Path rootfs) throws Exception {
        String ns = lab.namespace("pod");
        lab.veth(null, "h", HOST_IP + "/30", ns, "eth", POD_IP + "/30");

        WgKeys gateway = WgKeys.generate();
        WgKeys client = WgKeys.generate();
        Path config = Files.createDirectories(lab.dir().resolve("config"));
        Path key = Files.createDirectories(lab.dir().resolve("key"));
        String conf = m.one(ConfigMap.class).getData().get("postern.conf")
                + "\n[Peer]\nPublicKey = " + client.publicKey() + "\nAllowedIPs = 198.19.0.2/32\n";
        Files.writeString(config.resolve("postern.conf"), conf);
        Files.writeString(key.resolve("private.key"), gateway.privateKey() + "\n");
        // readable by the container's user (65532), as a Secret with defaultMode 0440 and fsGroup is
        config.resolve("postern.conf").toFile().setReadable(true, false);
        key.resolve("private.key").toFile().setReadable(true, false);

        List<String> args = new ArrayList<>(List.of("/opt/postern/bin/java", "-Dguice_bytecode_gen_option=DISABLED", "-m",
                "io.postern.gateway/io.postern.gateway.Main"));
        for (String a : m.container().getArgs()) {
            args.add(a.startsWith("--drain=") ? "--drain=2" : a);
        }
        int port = Endpoint.parse(m.arg("--metrics-listen").orElseThrow()).port();
        Path bundle = Files.createDirectories(lab.dir().resolve("bundle"));
        Files.writeString(bundle.resolve("config.json"), ociConfig(rootfs, args, lab.name("pod"), config, key));
        String id = lab.name("ctr");
        Path state = Files.createDirectories(lab.dir().resolve("runc"));
        Path log = lab.dir().resolve("container.log");
        Process container = new ProcessBuilder("runc", "--root", state.toString(), "run", "--bundle", bundle.toString(), id).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            awaitProbe("/healthz", port, "200", container, log);
            awaitProbe("/readyz", port, "200", container, log);

            CapturingHandler replies = new CapturingHandler();
            try (PosternNode c = PosternNode.start(NodeConfig.builder(PrivateKey.fromBase64(client.privateKey()))
                    .listenAddress(InetAddress.getByName(HOST_IP))
                    .peer(new PeerConfig(PublicKey.fromBase64(gateway.publicKey()), PresharedKey.NONE,
                            List.of(IpPrefix.parse("198.19.0.0/24")), Endpoint.parse(POD_IP + ":" + m.port("wireguard")
                            .getContainerPort()), Duration.ZERO))
                    .handler(replies).build())) {
                PublicKey gw = PublicKey.fromBase64(gateway.publicKey());
                boolean answered = false;
                for (int seq = 1; seq <= 40 && !answered; seq++) {
                    byte[] echo = IcmpEcho.request("198.19.0.2", "198.19.0.1", 7, seq, new byte[8]);
                    c.engine().send(gw, echo, 0, echo.length);
                    byte[] r = replies.packets.poll(500, TimeUnit.MILLISECONDS);
                    for (int s = 1; s <= seq && r != null && !answered; s++) { // echoes sent before the handshake come late
                        answered = IcmpEcho.isReply(r, "198.19.0.1", 7, s);
                    }
                }
                assertThat(answered).as("a ping through the tunnel answered by the container; log:\n%s", read(log)).isTrue();
            }

            runQuietly("runc", "--root", state.toString(), "kill", id, "TERM");
            awaitProbe("/readyz", port, "503", container, log);
            assertThat(container.waitFor(30, TimeUnit.SECONDS)).as("stopped after the drain").isTrue();
            String out = read(log);
            assertThat(out).contains("draining: not ready").contains("drain period over").contains("UpCommand - stopped");
            assertThat(container.exitValue()).as("exit after SIGTERM; log:\n%s", out).isEqualTo(143);
        } finally {
            container.destroyForcibly();
            runQuietly("runc", "--root", state.toString(), "delete", "-f", id);
        }
    }

    /** The OCI runtime configuration of the Deployment's container, as a kubelet's runtime would make it. */
    private static String ociConfig(Path rootfs, List<String> args, String netns, Path config, Path key) {
        String argv = String.join(", ", args.stream().map(a -> "\"" + a + "\"").toList());
        return """
                {
                  "ociVersion": "1.0.2",
                  "process": {
                    "terminal": false,
                    "user": {"uid": 65532, "gid": 65532},
                    "args": [%s],
                    "env": ["PATH=/opt/postern/bin", "POSTERN_DATA_DIR=/var/lib/postern",
                            "POSTERN_PLUGINS_DIR=/opt/postern/plugins", "JDK_JAVA_OPTIONS=-Xmx128m -XX:+UseSerialGC"],
                    "cwd": "/var/lib/postern",
                    "capabilities": {"bounding": [], "effective": [], "permitted": [], "inheritable": [], "ambient": []},
                    "noNewPrivileges": true
                  },
                  "root": {"path": "%s", "readonly": true},
                  "hostname": "postern",
                  "mounts": [
                    {"destination": "/proc", "type": "proc", "source": "proc"},
                    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
                    {"destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
                    {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
                    {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "mode=1777", "size=64m"]},
                    {"destination": "/var/lib/postern", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "mode=700", "uid=65532", "gid=65532", "size=1m"]},
                    {"destination": "/etc/postern/config", "type": "bind", "source": "%s", "options": ["rbind", "ro"]},
                    {"destination": "/etc/postern/key", "type": "bind", "source": "%s", "options": ["rbind", "ro"]}
                  ],
                  "linux": {
                    "namespaces": [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"},
                                   {"type": "network", "path": "/var/run/netns/%s"}],
                    "maskedPaths": ["/proc/kcore", "/proc/keys", "/proc/timer_list", "/sys/firmware"],
                    "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]
                  }
                }
                """.formatted(argv, rootfs, config, key, netns);
    }

    private static void awaitProbe(String path, int port, String want, Process container, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String got = "";
        while (System.nanoTime() < deadline) {
            got = probe(path, port);
            if (got.equals(want)) {
                return;
            }
            if (!container.isAlive() && !want.equals("503")) {
                break;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(path + " answered " + got + ", not " + want + "; container log:\n" + read(log));
    }

    private static String probe(String path, int port) {
        return HttpProbe.status(POD_IP, port, path);
    }

    private static String read(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Root, buildah and runc: in CI (CI=true) a missing one fails the test, elsewhere it is skipped. */
    private static void requireTools() {
        List<String> missing = new ArrayList<>();
        if (!"root".equals(System.getProperty("user.name"))) {
            missing.add("root");
        }
        for (String tool : List.of("buildah", "runc")) {
            if (Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":")).noneMatch(d -> Files.isExecutable(Path.of(d, tool)))) {
                missing.add(tool);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        String reason = "the container image test needs: " + String.join(", ", missing) + " (.ci/run installs buildah and runc)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("CI must run the container image test, but " + reason);
        }
        System.out.println("SKIPPED: " + reason);
        Assumptions.abort(reason);
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }

    private static void runQuietly(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            // cleanup: best effort
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Keeps each decrypted payload the client receives. */
    private static final class CapturingHandler implements PacketHandler {
        final BlockingQueue<byte[]> packets = new LinkedBlockingQueue<>();

        @Override
        public String name() {
            return "capture";
        }

        @Override
        public String description() {
            return "keeps every payload for the test";
        }

        @Override
        public void onPacket(PublicKey peer, byte[] buffer, int offset, int length, HandlerContext context) {
            packets.add(Arrays.copyOfRange(buffer, offset, offset + length));
        }
    }
}
