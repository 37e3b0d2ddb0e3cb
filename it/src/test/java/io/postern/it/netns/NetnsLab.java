package io.postern.it.netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/**
 * A small network of test hosts built from network namespaces. Everything it creates is named with
 * a per-lab prefix and removed by {@link #close()} (namespaces, root-side veth ends, processes),
 * also when a test fails. Addresses come from 198.18.0.0/15 only (RFC 2544 benchmarking space).
 *
 * <p>Requirements: root, iproute2, nftables, wireguard-go, wireguard-tools, ping. Under CI
 * ({@code CI=true}) a missing requirement fails the test; elsewhere the test is skipped with the
 * reason printed.
 */
public final class NetnsLab implements AutoCloseable {
    private static final AtomicInteger SEQ = new AtomicInteger();

    private final String prefix;
    private final List<String> namespaces = new ArrayList<>();
    private final List<String> rootLinks = new ArrayList<>();
    private final Deque<Process> processes = new ArrayDeque<>();
    private final Path dir;

    private NetnsLab(String prefix) throws IOException {
        this.prefix = prefix;
        this.dir = Files.createTempDirectory("postern-lab-");
    }

    /** Checks the requirements (fails in CI, skips elsewhere) and opens an empty lab. */
    public static NetnsLab open() throws IOException {
        requireEnvironment();
        String p = "pt" + (ProcessHandle.current().pid() % 10000) + "x" + SEQ.incrementAndGet();
        return new NetnsLab(p);
    }

    static void requireEnvironment() {
        List<String> missing = new ArrayList<>();
        if (!"root".equals(System.getProperty("user.name"))) {
            missing.add("root (network namespaces need CAP_NET_ADMIN)");
        }
        for (String tool : List.of("ip", "nft", "wireguard-go", "wg", "ping")) {
            if (Command.run(List.of("sh", "-c", "command -v " + tool)).exitCode() != 0) {
                missing.add(tool);
            }
        }
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            missing.add("/dev/net/tun");
        }
        if (missing.isEmpty()) {
            return;
        }
        String reason = "network-namespace tests need: " + String.join(", ", missing)
                + " (.ci/run installs the packages; run as root)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("CI must run network-namespace tests, but " + reason);
        }
        System.out.println("SKIPPED: " + reason);
        Assumptions.abort(reason);
    }

    /** @return a name unique to this lab, at most 15 characters (interface name limit) */
    public String name(String suffix) {
        String n = prefix + suffix;
        if (n.length() > 15) {
            throw new IllegalArgumentException("interface/namespace name too long: " + n);
        }
        return n;
    }

    /** Creates a namespace with loopback up; returns its name. */
    public String namespace(String suffix) {
        String ns = name(suffix);
        Command.run(List.of("ip", "netns", "add", ns)).orThrow();
        namespaces.add(ns);
        exec(ns, "ip", "link", "set", "lo", "up").orThrow();
        return ns;
    }

    /**
     * Connects namespace {@code a} (or the root namespace when {@code a} is null) and namespace
     * {@code b} with a veth pair, gives each end an address (CIDR) and brings both up.
     *
     * @return the two interface names
     */
    public String[] veth(String a, String ifA, String cidrA, String b, String ifB, String cidrB) {
        String nameA = name(ifA);
        String nameB = name(ifB);
        Command.run(List.of("ip", "link", "add", nameA, "type", "veth", "peer", "name", nameB)).orThrow();
        if (a == null) {
            rootLinks.add(nameA);
        } else {
            Command.run(List.of("ip", "link", "set", nameA, "netns", a)).orThrow();
        }
        Command.run(List.of("ip", "link", "set", nameB, "netns", b)).orThrow();
        in(a, "ip", "link", "set", nameA, "up").orThrow();
        in(b, "ip", "link", "set", nameB, "up").orThrow();
        if (cidrA != null) {
            in(a, "ip", "addr", "add", cidrA, "dev", nameA).orThrow();
        }
        if (cidrB != null) {
            in(b, "ip", "addr", "add", cidrB, "dev", nameB).orThrow();
        }
        return new String[] {nameA, nameB};
    }

    /** Makes {@code ns} a NAT router: forwarding on, masquerade out of {@code wanIf}. */
    public void natRouter(String ns, String wanIf) {
        exec(ns, "sysctl", "-qw", "net.ipv4.ip_forward=1").orThrow();
        nft(ns, "add table ip postern_nat");
        nft(ns, "add chain ip postern_nat post { type nat hook postrouting priority 100 ; }");
        nft(ns, "add rule ip postern_nat post oifname \"" + wanIf + "\" masquerade");
    }

    /** Drops {@code percent} % of forwarded packets at random in both directions on router {@code ns}. */
    public void randomLoss(String ns, int percent) {
        nft(ns, "add table inet postern_loss");
        nft(ns, "add chain inet postern_loss lossy_forward { type filter hook forward priority 0 ; }");
        nft(ns, "add rule inet postern_loss lossy_forward numgen random mod 100 < " + percent + " drop");
    }

    /** Runs one nft command in {@code ns}. */
    public void nft(String ns, String rule) {
        exec(ns, "sh", "-c", "nft '" + rule.replace("'", "'\\''") + "'").orThrow();
    }

    /** Creates a bridge in {@code ns} with an address; returns its name. */
    public String bridge(String ns, String suffix, String cidr) {
        String br = name(suffix);
        exec(ns, "ip", "link", "add", br, "type", "bridge").orThrow();
        exec(ns, "ip", "link", "set", br, "up").orThrow();
        exec(ns, "ip", "addr", "add", cidr, "dev", br).orThrow();
        return br;
    }

    /** Runs a command inside {@code ns} (bounded: 20 s). */
    public Command.Result exec(String ns, String... cmd) {
        return exec(ns, Duration.ofSeconds(20), cmd);
    }

    /** Runs a command inside {@code ns} with a time bound. */
    public Command.Result exec(String ns, Duration timeout, String... cmd) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(cmd));
        return Command.run(full, timeout);
    }

    private Command.Result in(String nsOrNull, String... cmd) {
        return nsOrNull == null ? Command.run(List.of(cmd)) : exec(nsOrNull, cmd);
    }

    /** Starts a long-running process inside {@code ns}; it is killed on {@link #close()}. */
    public Process start(String ns, List<String> env, String... cmd) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns, "env"));
        full.addAll(env);
        full.addAll(List.of(cmd));
        Process p = new ProcessBuilder(full).redirectErrorStream(true)
                .redirectOutput(dir.resolve(ns + "-" + processes.size() + ".log").toFile()).start();
        processes.push(p);
        return p;
    }

    /** @return a private working directory for files (keys), deleted on close */
    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        while (!processes.isEmpty()) {
            Process p = processes.pop();
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (String ns : namespaces) {
            // Kill anything still running in the namespace (e.g. a daemonised wireguard-go), then remove it.
            Command.run(List.of("sh", "-c", "ip netns pids " + ns + " | xargs -r kill -9"));
            Command.run(List.of("ip", "netns", "del", ns));
        }
        for (String link : rootLinks) {
            Command.run(List.of("ip", "link", "del", link));
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temp directory
        }
    }
}
