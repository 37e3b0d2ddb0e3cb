package io.postern.it.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every shell command in README.md's {@code ```sh} blocks either runs here, against the built image, or
 * is named in {@link #NOT_RUN} with the reason: a new README command this test does not know fails it.
 * Within a block, {@code up} starts a gateway (with {@code --listen-port 0}: the port is whatever is free)
 * that the following lines talk to, until the next {@code up} or the block's end, where it gets SIGTERM
 * and must stop cleanly (logs {@code stopped}, status 143). Placeholders become real values: {@code /etc/postern/wg0.conf} a temporary file,
 * {@code wg0} a name of this run, {@code <key>} a fresh public key, {@code <gateway address>} 127.0.0.1.
 * The {@code wg} commands need root (WireGuard's socket directory); CI runs as root.
 */
class ReadmeCommandsIT {
    /** README lines that are not run here, by their start, with why. */
    private static final Map<String, String> NOT_RUN = Map.ofEntries(
            Map.entry("./mvnw", "the build itself (CI runs it)"),
            Map.entry("JAZZER_FUZZ=", "fuzzing runs for minutes"),
            Map.entry("./postern up", "the reactor launcher: the same CLI as the image's, which is run below"),
            Map.entry("cp ", "installs into /opt and /etc/systemd (SystemdUnitsIT verifies the units)"),
            Map.entry("install ", "installs into /etc (SystemdUnitsIT verifies the units)"),
            Map.entry("systemctl", "needs a running systemd (SystemdUnitsIT verifies the units)"),
            Map.entry("sysctl", "changes the host's forwarding (TunGatewayIT does this inside namespaces)"),
            Map.entry("nft ", "changes the host's firewall (TunGatewayIT does this inside namespaces)"),
            Map.entry("postern userspace", "a TUN device moved into a namespace: UserspaceDropInIT runs this block in its own"),
            Map.entry("ip link set wg0 netns", "UserspaceDropInIT"),
            Map.entry("wg set wg0 private-key", "UserspaceDropInIT (configures the userspace device of that block)"),
            Map.entry("ip -n blue", "UserspaceDropInIT"));
    private static final Duration BOUND = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final String name = "rd" + ProcessHandle.current().pid() % 100000;
    private final Map<String, String> env = new HashMap<>();
    private Process gateway;
    private Path gatewayLog;
    private int ran;

    @Test
    void everyShellCommandOfTheReadmeRunsAgainstTheImage() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root && !"true".equalsIgnoreCase(System.getenv("CI"))) {
            Assumptions.abort("needs root: the wg commands use /var/run/wireguard");
        }
        Path image = ImageProcess.image();
        Path readme = Path.of(System.getProperty("postern.root.dir", ".")).resolve("README.md");
        env.put("POSTERN_DATA_DIR", dir.resolve("data").toString());
        String key = run("printf %s \"$(" + image.resolve("bin/postern") + " genkey | " + image.resolve("bin/postern") + " pubkey)\"");
        Files.writeString(dir.resolve(name + ".conf"), """
                [Interface]
                PrivateKey = %s
                Address = 198.19.0.1/24

                [Peer]
                PublicKey = %s
                AllowedIPs = 198.19.0.2/32
                """.formatted(run(image.resolve("bin/postern") + " genkey"), key));
        Files.writeString(dir.resolve("postern.conf"), "[Interface]\nPrivateKey = " + run(image.resolve("bin/postern") + " genkey") + "\n");
        List<String> notRun = new ArrayList<>();
        for (List<String> block : shellBlocks(Files.readAllLines(readme, StandardCharsets.UTF_8))) {
            try {
                for (String line : block) {
                    String command = line.strip();
                    if (command.isEmpty() || command.startsWith("#")) {
                        continue;
                    }
                    if (NOT_RUN.keySet().stream().anyMatch(command::startsWith)) {
                        notRun.add(command);
                        continue;
                    }
                    String real = command.replace("gateway-app/target/image/bin/postern", image.resolve("bin/postern").toString())
                            .replaceFirst("^postern ", image.resolve("bin/postern") + " ")
                            .replace("/etc/postern/wg0.conf", dir.resolve(name + ".conf").toString())
                            .replace(" wg0", " " + name).replace("<key>", key).replace("<gateway address>", "127.0.0.1");
                    assertThat(real).as("a README command this test does not know how to run; add it to NOT_RUN with why: %s", command)
                            .matches("(\\(umask 077; )?(" + java.util.regex.Pattern.quote(image.resolve("bin/postern").toString()) + "|wg) .*");
                    if (real.matches(".*bin/postern up( .*)?")) {
                        startGateway(real.replaceAll("\\s+#.*", "") + " --listen-port 0");
                    } else {
                        String out = run(real);
                        if (command.contains("peer add")) {
                            assertThat(out).contains("[Interface]", "Endpoint = 127.0.0.1:51820", "\u2588");
                        }
                    }
                    ran++;
                }
            } finally {
                stopGateway();
            }
        }
        System.out.println("README commands run: " + ran + ", not run (see NOT_RUN): " + notRun);
        assertThat(ran).as("README commands run").isGreaterThanOrEqualTo(12);
    }

    private static List<List<String>> shellBlocks(List<String> lines) {
        List<List<String>> blocks = new ArrayList<>();
        List<String> current = null;
        for (String l : lines) {
            if (current == null && l.strip().equals("```sh")) {
                current = new ArrayList<>();
            } else if (current != null && l.strip().equals("```")) {
                blocks.add(current);
                current = null;
            } else if (current != null) {
                if (!current.isEmpty() && current.getLast().endsWith("\\")) { // a continued line
                    String first = current.removeLast();
                    current.add(first.substring(0, first.length() - 1) + " " + l.strip());
                } else {
                    current.add(l);
                }
            }
        }
        return blocks;
    }

    private String run(String command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", command).directory(dir.toFile());
        pb.environment().putAll(env);
        Path err = dir.resolve("stderr");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + ": still running after " + BOUND);
        }
        assertThat(p.exitValue()).as("%s\nstderr: %s\ngateway: %s", command, Files.readString(err),
                gatewayLog == null ? "" : Files.readString(gatewayLog)).isZero();
        return new String(out, StandardCharsets.UTF_8).strip();
    }

    private void startGateway(String command) throws Exception {
        stopGateway();
        gatewayLog = dir.resolve("gateway-" + ran + ".log");
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "exec " + command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(gatewayLog.toFile());
        pb.environment().putAll(env);
        gateway = pb.start();
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!Files.readString(gatewayLog).contains("listening on:")) {
            assertThat(gateway.isAlive()).as("%s exited:\n%s", command, Files.readString(gatewayLog)).isTrue();
            assertThat(System.nanoTime()).as("%s listening within %s", command, BOUND).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private void stopGateway() throws Exception {
        if (gateway == null) {
            return;
        }
        gateway.destroy(); // SIGTERM
        boolean ended = gateway.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS);
        if (!ended) {
            gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        // the JVM's status after SIGTERM is 128 + 15 once its shutdown hooks have run (SigtermTest)
        assertThat(ended && gateway.exitValue() == 143).as("the gateway ends on SIGTERM:\n%s", Files.readString(gatewayLog)).isTrue();
        assertThat(Files.readString(gatewayLog)).contains("stopped");
        gateway = null;
    }
}
