package io.postern.gateway;

import io.postern.engine.PeerConfig;
import io.postern.key.StaticKeyPair;
import io.postern.key.PresharedKey;
import io.postern.key.PublicKey;
import io.postern.net.IpPrefix;
import io.postern.gateway.uapi.AddressText;
import io.postern.spi.crypto.X25519;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code postern peer add|remove|list}: provisions clients by name, as wg-easy and PiVPN do. A peer's
 * name is the first comment of its {@code [Peer]} section ({@code # laptop}), which {@code show} displays.
 */
@Command(mixinStandardHelpOptions = true, name = "peer", description = "Provision peers by name: add (prints a client config), remove, list.",
        subcommands = {PeerCommand.Add.class, PeerCommand.Remove.class, PeerCommand.ListPeers.class})
final class PeerCommand implements Callable<Integer> {
    /** A peer name: what fits a comment and a file name. */
    static final String NAME = "[A-Za-z0-9_.@+-]{1,32}";

    @ParentCommand
    PosternCommand parent;

    @Override
    public Integer call() {
        throw new IllegalArgumentException("peer: give add, remove or list (see 'postern peer --help')");
    }

    /** Where the configuration file is and which running gateway to tell. */
    static final class Target {
        @Option(names = "--config", paramLabel = "FILE", description = "The gateway's configuration file (default: DATA_DIR/postern.conf).")
        Path config;

        @Option(names = "--interface", paramLabel = "NAME", description = "The running gateway's interface name (default: the gateway of --data-dir).")
        String iface;

        Path file(GatewayConnection gateway, Map<String, String> env) {
            return config != null ? config : gateway.dataDir(env).resolve(UpCommand.CONFIG_FILE);
        }
    }

    /** Writes {@code text} to {@code file} through a 0600 temporary file and an atomic rename. */
    static void replace(Path file, String text) throws IOException {
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".tmp",
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(FirstRunConfig.OWNER_ONLY));
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "add", description = "Add a named peer to the file and the running gateway; print its wg-quick config.")
    static final class Add implements Callable<Integer> {
        @ParentCommand
        PeerCommand peer;

        @Mixin
        GatewayConnection gateway;

        @picocli.CommandLine.ArgGroup(exclusive = false)
        Target target = new Target();

        @Parameters(index = "0", paramLabel = "NAME", description = "The peer's name (kept as a comment in the file).")
        String name;

        @Option(names = "--endpoint", required = true, paramLabel = "HOST:PORT", description = "How clients reach the gateway.")
        String endpoint;

        @Option(names = "--public-key", paramLabel = "KEY", converter = CliConverters.PublicKeys.class,
                description = "The client's public key (else a key pair is generated and printed).")
        PublicKey publicKey;

        @Option(names = "--preshared-key", description = "Also generate a preshared key.")
        boolean psk;

        @Option(names = "--keepalive", paramLabel = "SECONDS", defaultValue = "25",
                description = "The client's PersistentKeepalive (0: none; default ${DEFAULT-VALUE}).")
        int keepalive;

        @Option(names = "--qr", description = "Also print the client configuration as a QR code (for the WireGuard mobile apps).")
        boolean qr;

        @Override
        public Integer call() throws IOException {
            if (!name.matches(NAME)) {
                throw new IllegalArgumentException("'" + name + "' is not a peer name (1-32 of letters, digits, _ . @ + -)");
            }
            Map<String, String> env = peer.parent.env;
            Path file = target.file(gateway, env);
            WgQuickConfigParser.Parsed parsed = WgQuickConfigParser.load(file);
            NodeConfig config = parsed.config();
            if (parsed.names().containsValue(name)) {
                throw new IllegalArgumentException("a peer named '" + name + "' is already in " + file);
            }
            X25519 x25519 = PluginRegistry.load().crypto().select(NodeConfig.DEFAULT_CRYPTO_PROVIDER).x25519();
            StaticKeyPair generated = publicKey == null ? x25519.generateKeyPair() : null;
            PublicKey key = publicKey != null ? publicKey : generated.publicKey();
            if (config.peers().stream().anyMatch(p -> p.publicKey().equals(key))) {
                throw new IllegalArgumentException("peer " + key.toBase64() + " is already in " + file);
            }
            IpPrefix network = config.addresses().stream().filter(a -> a.address() instanceof Inet4Address).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(file + ": [Interface] has no IPv4 Address to give peers addresses from"));
            InetAddress address = nextFree(network, config);
            PresharedKey presharedKey = psk ? PresharedKey.of(randomKey()) : PresharedKey.NONE;

            PeerConfig added = new PeerConfig(key, presharedKey, List.of(new IpPrefix(address, 32)), null, java.time.Duration.ZERO);
            List<String> lines = new ArrayList<>(UapiLines.completePeer(added));
            lines.add("postern_name=" + name);
            boolean running = true;
            try {
                gateway.set(env, target.iface, lines);
            } catch (io.postern.gateway.uapi.UapiClient.UnavailableException notRunning) {
                running = false;
            }
            String block = "\n[Peer]\n# " + name + "\nPublicKey = " + key.toBase64() + "\n"
                    + (psk ? "PresharedKey = " + base64(presharedKey.toBytes()) + "\n" : "")
                    + "AllowedIPs = " + AddressText.of(address) + "/32\n";
            String text = Files.readString(file, StandardCharsets.UTF_8);
            if (!text.contains("PublicKey = " + key.toBase64() + "\n")) { // a SaveConfig = true gateway wrote it already
                replace(file, text + (text.endsWith("\n") ? "" : "\n") + block);
            }

            PublicKey gatewayKey = x25519.publicKey(config.privateKey());
            config.privateKey().destroy();
            StringBuilder client = new StringBuilder("# ").append(name).append(": wg-quick client configuration\n[Interface]\n");
            client.append("PrivateKey = ").append(generated != null ? generated.privateKey().toBase64() : "<the client's private key>")
                    .append('\n');
            if (generated != null) {
                generated.privateKey().destroy();
            }
            client.append("Address = ").append(AddressText.of(address)).append('/').append(network.length()).append("\n\n[Peer]\n")
                    .append("PublicKey = ").append(gatewayKey.toBase64()).append('\n');
            if (psk) {
                client.append("PresharedKey = ").append(base64(presharedKey.toBytes())).append('\n');
            }
            client.append("Endpoint = ").append(endpoint).append('\n')
                    .append("AllowedIPs = ").append(AddressText.of(network.network())).append('\n');
            if (keepalive > 0) {
                client.append("PersistentKeepalive = ").append(keepalive).append('\n');
            }
            peer.parent.out.print(client);
            if (qr) {
                peer.parent.out.print("\n" + TerminalQrCode.render(client.toString()));
            }
            peer.parent.out.flush();
            if (!running) {
                org.slf4j.LoggerFactory.getLogger(PeerCommand.class).warn("no running gateway: {} added to {} only "
                        + "(it applies at the next start or syncconf)", name, file);
            }
            return 0;
        }

        private static byte[] randomKey() {
            byte[] b = new byte[32];
            new SecureRandom().nextBytes(b);
            return b;
        }

        private static String base64(byte[] b) {
            String s = java.util.Base64.getEncoder().encodeToString(b);
            java.util.Arrays.fill(b, (byte) 0);
            return s;
        }

        /** @return the first host address of {@code network} that neither the gateway nor any peer holds */
        private static InetAddress nextFree(IpPrefix network, NodeConfig config) throws IOException {
            byte[] base = network.network().address().getAddress();
            long first = Integer.toUnsignedLong(java.nio.ByteBuffer.wrap(base).getInt());
            long size = 1L << (32 - network.length());
            for (long i = 1; i < size - 1; i++) {
                InetAddress candidate = InetAddress.getByAddress(java.nio.ByteBuffer.allocate(4).putInt((int) (first + i)).array());
                boolean taken = config.addresses().stream().anyMatch(a -> a.address().equals(candidate))
                        || config.peers().stream().flatMap(p -> p.allowedIps().stream()).anyMatch(p -> p.contains(candidate));
                if (!taken) {
                    return candidate;
                }
            }
            throw new IllegalArgumentException("no free address left in " + AddressText.of(network.network()));
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "remove", description = "Remove a named peer from the file and the running gateway.")
    static final class Remove implements Callable<Integer> {
        @ParentCommand
        PeerCommand peer;

        @Mixin
        GatewayConnection gateway;

        @picocli.CommandLine.ArgGroup(exclusive = false)
        Target target = new Target();

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() throws IOException {
            Map<String, String> env = peer.parent.env;
            Path file = target.file(gateway, env);
            WgQuickConfigParser.Parsed parsed = WgQuickConfigParser.load(file);
            parsed.config().privateKey().destroy();
            PublicKey key = parsed.names().entrySet().stream().filter(e -> e.getValue().equals(name)).map(Map.Entry::getKey)
                    .findFirst().orElseThrow(() -> new IllegalArgumentException("no peer named '" + name + "' in " + file));
            List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
            int header = -1;
            int keyLine = -1;
            for (int i = 0; i < lines.size() && keyLine < 0; i++) {
                String l = lines.get(i).strip();
                if (l.startsWith("[")) {
                    header = i;
                } else if (l.replace(" ", "").equalsIgnoreCase("publickey=" + key.toBase64())) {
                    keyLine = i;
                }
            }
            int end = keyLine + 1;
            while (end < lines.size() && !lines.get(end).strip().startsWith("[")) {
                end++;
            }
            while (end > keyLine + 1 && lines.get(end - 1).strip().startsWith("#") && end < lines.size()) {
                end--; // a comment just before the next section belongs to it (e.g. the next peer's name)
            }
            int start = header;
            while (start > 0 && lines.get(start - 1).strip().startsWith("#") && WgQuickConfigParser.nameIn(lines.get(start - 1)) != null
                    && name.equals(WgQuickConfigParser.nameIn(lines.get(start - 1)))) {
                start--;
            }
            lines.subList(start, end).clear();
            replace(file, String.join("\n", lines) + "\n");
            try {
                gateway.set(env, target.iface, List.of(UapiLines.publicKey(key), "remove=true"));
            } catch (io.postern.gateway.uapi.UapiClient.UnavailableException notRunning) {
                // only the file then
            }
            return 0;
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "list", description = "List the named peers of the file.")
    static final class ListPeers implements Callable<Integer> {
        @ParentCommand
        PeerCommand peer;

        @Mixin
        GatewayConnection gateway;

        @picocli.CommandLine.ArgGroup(exclusive = false)
        Target target = new Target();

        @Override
        public Integer call() throws IOException {
            Path file = target.file(gateway, peer.parent.env);
            WgQuickConfigParser.Parsed parsed = WgQuickConfigParser.load(file);
            parsed.config().privateKey().destroy();
            for (PeerConfig p : parsed.config().peers()) {
                String n = parsed.names().getOrDefault(p.publicKey(), "(no name)");
                peer.parent.out.println(n + "\t" + p.publicKey().toBase64() + "\t"
                        + String.join(",", p.allowedIps().stream().map(AddressText::of).toList()));
            }
            peer.parent.out.flush();
            return 0;
        }
    }
}
