package io.postern.it.netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An unmodified wireguard-go (Debian package) on a TUN device inside a namespace, configured with
 * {@code wg} and {@code ip} exactly as an operator would.
 */
public final class WireGuardGoPeer {
    private final NetnsLab lab;
    private final String ns;
    private final String dev;
    private Process process;

    private WireGuardGoPeer(NetnsLab lab, String ns, String dev) {
        this.lab = lab;
        this.ns = ns;
        this.dev = dev;
    }

    /**
     * Starts wireguard-go in {@code ns} with a fresh private key written to a 0600 file.
     *
     * @param tunnelCidr the interface address, e.g. {@code 198.19.0.2/24}
     * @param listenPort the UDP port wireguard-go binds
     */
    public static WireGuardGoPeer start(NetnsLab lab, String ns, String devSuffix, String privateKeyBase64,
                                        String tunnelCidr, int listenPort) throws IOException, InterruptedException {
        WireGuardGoPeer peer = new WireGuardGoPeer(lab, ns, lab.name(devSuffix));
        peer.up(privateKeyBase64, tunnelCidr, listenPort);
        return peer;
    }

    /**
     * Starts wireguard-go in {@code ns} configured from a wg-quick file the way wg-quick does it:
     * {@code wg setconf DEV <(wg-quick strip FILE)}, then {@code ip addr add} of each {@code Address}
     * and the link up (routes: the addresses' own prefixes only).
     */
    public static WireGuardGoPeer startFromWgQuick(NetnsLab lab, String ns, String devSuffix, Path wgQuickFile)
            throws IOException, InterruptedException {
        WireGuardGoPeer peer = new WireGuardGoPeer(lab, ns, lab.name(devSuffix));
        peer.process = lab.start(ns, List.of("WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1", "LOG_LEVEL=verbose"),
                "wireguard-go", "-f", peer.dev);
        peer.awaitDevice();
        Path stripped = lab.dir().resolve(peer.dev + "-" + System.nanoTime() + ".stripped");
        Files.writeString(stripped, Command.run(List.of("wg-quick", "strip", wgQuickFile.toString())).orThrow().stdout());
        Files.setPosixFilePermissions(stripped, PosixFilePermissions.fromString("rw-------"));
        lab.exec(ns, "wg", "setconf", peer.dev, stripped.toString()).orThrow();
        for (String line : Files.readAllLines(wgQuickFile)) {
            String[] kv = line.split("=", 2);
            if (kv.length == 2 && kv[0].strip().equalsIgnoreCase("Address")) {
                for (String cidr : kv[1].split(",")) {
                    lab.exec(ns, "ip", "addr", "add", cidr.strip(), "dev", peer.dev).orThrow();
                }
            }
        }
        lab.exec(ns, "ip", "link", "set", peer.dev, "up").orThrow();
        return peer;
    }

    private void awaitDevice() throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (lab.exec(ns, "ip", "link", "show", dev).exitCode() != 0) {
            if (Instant.now().isAfter(deadline) || !process.isAlive()) {
                throw new IllegalStateException("wireguard-go did not create " + dev + " in " + ns);
            }
            Thread.sleep(50);
        }
    }

    private void up(String privateKeyBase64, String tunnelCidr, int listenPort) throws IOException, InterruptedException {
        // -f: stay in the foreground so the lab owns the process and can kill it.
        process = lab.start(ns, List.of("WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1", "LOG_LEVEL=verbose"),
                "wireguard-go", "-f", dev);
        awaitDevice();
        Path key = lab.dir().resolve(dev + "-" + System.nanoTime() + ".key");
        Files.writeString(key, privateKeyBase64 + "\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        lab.exec(ns, "wg", "set", dev, "private-key", key.toString(), "listen-port", Integer.toString(listenPort))
                .orThrow();
        lab.exec(ns, "ip", "addr", "add", tunnelCidr, "dev", dev).orThrow();
        lab.exec(ns, "ip", "link", "set", dev, "up").orThrow();
    }

    /** Adds or updates a peer ({@code wg set … peer …}). */
    public void setPeer(String publicKeyBase64, String endpoint, String allowedIps, int persistentKeepalive) {
        List<String> cmd = new ArrayList<>(List.of("wg", "set", dev, "peer", publicKeyBase64, "allowed-ips", allowedIps));
        if (endpoint != null) {
            cmd.addAll(List.of("endpoint", endpoint));
        }
        if (persistentKeepalive > 0) {
            cmd.addAll(List.of("persistent-keepalive", Integer.toString(persistentKeepalive)));
        }
        lab.exec(ns, cmd.toArray(String[]::new)).orThrow();
    }

    /** Adds a route through the tunnel. */
    public void route(String cidr) {
        lab.exec(ns, "ip", "route", "replace", cidr, "dev", dev).orThrow();
    }

    /**
     * Pings {@code target} from the namespace.
     *
     * @return the number of replies received
     */
    public int ping(String target, int count, Duration interval, Duration wait) {
        double secs = interval.toMillis() / 1000.0;
        Command.Result r = lab.exec(ns, Duration.ofSeconds(30 + count), "ping", "-n", "-q", "-c", Integer.toString(count),
                "-i", String.format(java.util.Locale.ROOT, "%.3f", secs), "-W",
                Long.toString(Math.max(1, wait.toSeconds())), target);
        var m = java.util.regex.Pattern.compile("(\\d+) received").matcher(r.stdout());
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** @return {@code wg show DEV dump} lines of peers: key, psk, endpoint, allowed, latest handshake, rx, tx, keepalive */
    public List<String[]> dumpPeers() {
        String out = lab.exec(ns, "wg", "show", dev, "dump").orThrow().stdout();
        List<String[]> peers = new ArrayList<>();
        String[] lines = out.split("\n");
        for (int i = 1; i < lines.length; i++) {
            if (!lines[i].isBlank()) {
                peers.add(lines[i].split("\t"));
            }
        }
        return peers;
    }

    /** Kills the wireguard-go process; the TUN device goes with it. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor();
        }
        Instant deadline = Instant.now().plus(Duration.ofSeconds(5));
        while (lab.exec(ns, "ip", "link", "show", dev).exitCode() == 0 && Instant.now().isBefore(deadline)) {
            lab.exec(ns, "ip", "link", "del", dev);
            Thread.sleep(50);
        }
    }

    /** @return the interface name */
    public String device() {
        return dev;
    }
}
