package io.postern.gateway;

import io.postern.engine.PeerConfig;
import io.postern.key.PresharedKey;
import io.postern.key.PrivateKey;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.net.IpPrefix;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Parses the wg-quick INI format (wg-quick(8), wg(8) "CONFIGURATION FILE FORMAT") into a
 * {@link NodeConfig}: one {@code [Interface]} with {@code PrivateKey}, {@code ListenPort},
 * {@code Address} and Postern's keys ({@code SessionPolicy}, {@code CryptoProvider},
 * {@code Admission}, {@code Handler}, {@code Transport}, {@code ListenAddress}, {@code MetricsListen}, {@code Name}, {@code MTU}),
 * and any number of
 * {@code [Peer]}s with {@code PublicKey}, {@code PresharedKey}, {@code AllowedIPs}, {@code Endpoint}
 * and {@code PersistentKeepalive}.
 *
 * <p>As in wg-quick: section names and keys are case-insensitive, {@code #} starts a comment
 * anywhere on a line ({@code ;} too, as in INI files), blank lines are ignored, list keys
 * ({@code Address}, {@code AllowedIPs}) take comma-separated values and may repeat. Stricter than
 * wg-quick: an unknown section or key (including wg-quick's {@code DNS}, {@code PostUp}…,
 * which Postern does not act on), a repeated single-valued key, a key without a value and a
 * duplicate peer are errors, so nothing is silently ignored. Without {@code ListenPort} the node
 * binds any free port, as wg does.
 *
 * <p>Every error is a {@link ConfigException} naming file, line and key. Secret values (private and
 * preshared keys) are never quoted in messages.
 */
final class WgQuickConfigParser {
    private static final int MAX_PORT = 65535;
    /** wg-quick's pattern for an interface name (Linux allows 15 characters). */
    private static final String INTERFACE_NAME = "[A-Za-z0-9_=+.-]{1,15}";
    private static final int MIN_MTU = 68;
    private static final int MAX_MTU = 65_535 - 32 - 16;

    private enum Section { NONE, INTERFACE, PEER }

    private final String file;
    private final Map<String, Integer> interfaceKeysSeen = new HashMap<>();
    private int interfaceLine;
    private PrivateKey privateKey;
    private int listenPort;
    private InetAddress listenAddress;
    private InetSocketAddress metricsListen;
    private String interfaceName;
    private int mtu;
    private final List<IpPrefix> addresses = new ArrayList<>();
    /** Plugin keys (lower case) to the names given. */
    private final Map<String, String> plugins = new HashMap<>();
    private final List<PendingPeer> peers = new ArrayList<>();

    /** A {@code [Peer]} being read. */
    private static final class PendingPeer {
        final int line;
        final Map<String, Integer> keysSeen = new HashMap<>();
        PublicKey publicKey;
        PresharedKey presharedKey = PresharedKey.NONE;
        final List<IpPrefix> allowedIps = new ArrayList<>();
        Endpoint endpoint;
        Duration keepalive = Duration.ZERO;

        PendingPeer(int line) {
            this.line = line;
        }
    }

    /** The private key given apart from the file ({@code up --private-key FILE}), or null. */
    private PrivateKey separateKey;

    private WgQuickConfigParser(String file) {
        this.file = file;
    }

    /**
     * Parses a file whose {@code [Interface]} has no {@code PrivateKey}, the key coming from
     * elsewhere ({@code postern up --private-key FILE}, e.g. a Kubernetes Secret beside a ConfigMap).
     *
     * @throws ConfigException naming file, line and key; also when the file has a PrivateKey too
     * @throws IOException     when the file cannot be read
     */
    static NodeConfig parse(Path path, PrivateKey separateKey) throws IOException {
        String name = path.toString();
        if (!Files.isRegularFile(path)) {
            return parse(path); // its message
        }
        WgQuickConfigParser parser = new WgQuickConfigParser(name);
        parser.separateKey = separateKey;
        return parser.read(Files.readAllLines(path, StandardCharsets.UTF_8));
    }

    /**
     * @throws ConfigException naming file, line and key
     * @throws IOException     when the file cannot be read
     */
    static NodeConfig parse(Path path) throws IOException {
        String name = path.toString();
        if (!Files.exists(path)) {
            throw new ConfigException(name, 0, null, "no such file");
        }
        if (!Files.isRegularFile(path)) {
            throw new ConfigException(name, 0, null, "not a regular file");
        }
        return parse(name, Files.readAllLines(path, StandardCharsets.UTF_8));
    }

    /**
     * @param file  the file name to put in messages
     * @param lines the file's lines
     * @throws ConfigException naming file, line and key
     */
    static NodeConfig parse(String file, List<String> lines) {
        return new WgQuickConfigParser(file).read(lines);
    }

    private NodeConfig read(List<String> lines) {
        Section section = Section.NONE;
        PendingPeer peer = null;
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String line = stripComment(lines.get(i)).strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("[")) {
                if (!line.endsWith("]")) {
                    throw new ConfigException(file, lineNo, null, "section header '" + line + "' has no closing ']'");
                }
                String name = line.substring(1, line.length() - 1).strip();
                switch (name.toLowerCase(Locale.ROOT)) {
                    case "interface" -> {
                        if (interfaceLine != 0) {
                            throw new ConfigException(file, lineNo, null,
                                    "second [Interface] section (the first is on line " + interfaceLine + ")");
                        }
                        interfaceLine = lineNo;
                        section = Section.INTERFACE;
                        peer = null;
                    }
                    case "peer" -> {
                        peer = new PendingPeer(lineNo);
                        peers.add(peer);
                        section = Section.PEER;
                    }
                    default -> throw new ConfigException(file, lineNo, null,
                            "unknown section [" + name + "]; known: [Interface], [Peer]");
                }
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new ConfigException(file, lineNo, null, "'" + firstWord(line) + "' is not a 'Key = Value' line");
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (key.isEmpty()) {
                throw new ConfigException(file, lineNo, null, "line has '=' but no key before it");
            }
            if (value.isEmpty()) {
                throw new ConfigException(file, lineNo, key, "has no value");
            }
            switch (section) {
                case NONE -> throw new ConfigException(file, lineNo, key,
                        "appears before any section; put it under [Interface] or [Peer]");
                case INTERFACE -> interfaceKey(lineNo, key, value);
                case PEER -> peerKey(peer, lineNo, key, value);
            }
        }
        return build();
    }

    private void interfaceKey(int line, String key, String value) {
        String k = key.toLowerCase(Locale.ROOT);
        switch (k) {
            case "privatekey" -> {
                once(interfaceKeysSeen, line, key);
                privateKey = parseValue(line, key, value, PrivateKey::fromBase64, false);
            }
            case "listenport" -> {
                once(interfaceKeysSeen, line, key);
                listenPort = port(line, key, value);
            }
            case "address" -> {
                for (String part : list(line, key, value)) {
                    addresses.add(parseValue(line, key, part, IpPrefix::parse, true));
                }
            }
            case "listenaddress" -> {
                once(interfaceKeysSeen, line, key);
                listenAddress = listenAddress(line, key, value);
            }
            case "metricslisten" -> {
                once(interfaceKeysSeen, line, key);
                metricsListen = metricsListen(line, key, value);
            }
            case "name" -> {
                once(interfaceKeysSeen, line, key);
                if (!value.matches(INTERFACE_NAME)) {
                    throw new ConfigException(file, line, key, "'" + value + "' is not an interface name "
                            + "(1-15 of letters, digits, '_', '=', '+', '.', '-')");
                }
                interfaceName = value;
            }
            case "mtu" -> {
                once(interfaceKeysSeen, line, key);
                mtu = mtu(line, key, value);
            }
            case "sessionpolicy", "cryptoprovider", "admission", "handler", "transport" -> {
                once(interfaceKeysSeen, line, key);
                if (!value.matches("[A-Za-z0-9._-]+")) {
                    throw new ConfigException(file, line, key, "'" + value + "' is not a plugin name (letters, digits, '.', '_', '-')");
                }
                plugins.put(k, value);
            }
            default -> throw new ConfigException(file, line, key, "unknown key in [Interface]; known: PrivateKey, "
                    + "ListenPort, Address, ListenAddress, SessionPolicy, CryptoProvider, Admission, Handler, Transport, "
                    + "MetricsListen, Name, MTU");
        }
    }

    private void peerKey(PendingPeer peer, int line, String key, String value) {
        switch (key.toLowerCase(Locale.ROOT)) {
            case "publickey" -> {
                once(peer.keysSeen, line, key);
                peer.publicKey = parseValue(line, key, value, PublicKey::fromBase64, true);
            }
            case "presharedkey" -> {
                once(peer.keysSeen, line, key);
                peer.presharedKey = parseValue(line, key, value, PresharedKey::fromBase64, false);
            }
            case "allowedips" -> {
                for (String part : list(line, key, value)) {
                    peer.allowedIps.add(parseValue(line, key, part, IpPrefix::parse, true));
                }
            }
            case "endpoint" -> {
                once(peer.keysSeen, line, key);
                peer.endpoint = parseValue(line, key, value, Endpoint::parse, true);
            }
            case "persistentkeepalive" -> {
                once(peer.keysSeen, line, key);
                peer.keepalive = keepalive(line, key, value);
            }
            default -> throw new ConfigException(file, line, key, "unknown key in [Peer]; known: PublicKey, "
                    + "PresharedKey, AllowedIPs, Endpoint, PersistentKeepalive");
        }
    }

    private NodeConfig build() {
        if (interfaceLine == 0) {
            throw new ConfigException(file, 0, null, "no [Interface] section");
        }
        if (privateKey != null && separateKey != null) {
            throw new ConfigException(file, interfaceLine, "PrivateKey", "is given both here and by --private-key; keep one");
        }
        if (privateKey == null) {
            privateKey = separateKey;
        }
        if (privateKey == null) {
            throw new ConfigException(file, interfaceLine, null, "[Interface] has no PrivateKey");
        }
        NodeConfig.Builder builder = NodeConfig.builder(privateKey).listenPort(listenPort).listenAddress(listenAddress)
                .metricsListen(metricsListen).mtu(mtu)
                .interfaceName(interfaceName != null ? interfaceName : baseName(file));
        addresses.forEach(builder::address);
        plugin("sessionpolicy", builder::sessionPolicy);
        plugin("cryptoprovider", builder::cryptoProvider);
        plugin("admission", builder::admission);
        plugin("handler", builder::handler);
        plugin("transport", builder::transport);

        Map<PublicKey, Integer> peerLines = new HashMap<>();
        for (PendingPeer p : peers) {
            if (p.publicKey == null) {
                throw new ConfigException(file, p.line, null, "[Peer] has no PublicKey");
            }
            Integer first = peerLines.putIfAbsent(p.publicKey, p.line);
            if (first != null) {
                throw new ConfigException(file, p.line, "PublicKey", "peer " + p.publicKey.shortForm()
                        + " is configured twice (first [Peer] on line " + first + ")");
            }
            builder.peer(new PeerConfig(p.publicKey, p.presharedKey, p.allowedIps, p.endpoint, p.keepalive));
        }
        return builder.build();
    }

    private void plugin(String key, Consumer<String> setter) {
        String v = plugins.get(key);
        if (v != null) {
            setter.accept(v);
        }
    }

    private void once(Map<String, Integer> seen, int line, String key) {
        Integer first = seen.putIfAbsent(key.toLowerCase(Locale.ROOT), line);
        if (first != null) {
            throw new ConfigException(file, line, key, "is set twice in this section (first on line " + first + ")");
        }
    }

    private int port(int line, String key, String value) {
        int port;
        try {
            port = value.length() <= 5 && value.chars().allMatch(Character::isDigit) ? Integer.parseInt(value) : -1;
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > MAX_PORT) {
            throw new ConfigException(file, line, key, "'" + value + "' is not a port number (1-" + MAX_PORT + ")");
        }
        return port;
    }

    /** {@code MTU = 1420}: from the IPv4 minimum (68) to the largest payload one WireGuard message carries. */
    private int mtu(int line, String key, String value) {
        int v = value.length() <= 5 && value.chars().allMatch(Character::isDigit) ? Integer.parseInt(value) : -1;
        if (v < MIN_MTU || v > MAX_MTU) {
            throw new ConfigException(file, line, key, "'" + value + "' is not an MTU (" + MIN_MTU + "-" + MAX_MTU + ")");
        }
        return v;
    }

    /** @return the file's name without directory and {@code .conf}: wg-quick's interface name for it */
    static String baseName(String file) {
        String name = file.substring(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
        return name.endsWith(".conf") ? name.substring(0, name.length() - ".conf".length()) : name;
    }

    private InetAddress listenAddress(int line, String key, String value) {
        // an IP prefix without '/' is an IP literal, and IpPrefix.parse never resolves names
        if (value.indexOf('/') >= 0) {
            throw new ConfigException(file, line, key, "'" + value + "' is not an IP address");
        }
        return parseValue(line, key, value, v -> IpPrefix.parse(v).address(), true);
    }

    /** {@code MetricsListen = 127.0.0.1:9586}: an IP literal and port; loopback only. */
    private InetSocketAddress metricsListen(int line, String key, String value) {
        Endpoint e = parseValue(line, key, value, Endpoint::parse, true);
        if (!e.ip().isLoopbackAddress()) {
            throw new ConfigException(file, line, key, "'" + value + "' is not a loopback address; metrics are "
                    + "served on loopback only (e.g. 127.0.0.1:9586 or [::1]:9586)");
        }
        return new InetSocketAddress(e.ip(), e.port());
    }

    private Duration keepalive(int line, String key, String value) {
        if (value.equalsIgnoreCase("off")) {
            return Duration.ZERO;
        }
        int seconds = value.length() <= 5 && value.chars().allMatch(Character::isDigit) ? Integer.parseInt(value) : -1;
        if (seconds < 0 || seconds > MAX_PORT) {
            throw new ConfigException(file, line, key, "'" + value + "' is neither 'off' nor a number of seconds (0-65535)");
        }
        return Duration.ofSeconds(seconds);
    }

    private List<String> list(int line, String key, String value) {
        List<String> parts = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            String p = part.strip();
            if (p.isEmpty()) {
                throw new ConfigException(file, line, key, "'" + value + "' has an empty entry in its comma list");
            }
            parts.add(p);
        }
        return parts;
    }

    /** Applies an api parser, turning its IllegalArgumentException into a located ConfigException. */
    private <T> T parseValue(int line, String key, String value, Function<String, T> parser, boolean quote) {
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            String what = e.getMessage() == null ? "is not valid" : e.getMessage();
            throw new ConfigException(file, line, key, quote ? "'" + value + "': " + what : what, e);
        }
    }

    private static String stripComment(String line) {
        int hash = line.indexOf('#');
        int semi = line.indexOf(';');
        int cut = hash < 0 ? semi : semi < 0 ? hash : Math.min(hash, semi);
        return cut < 0 ? line : line.substring(0, cut);
    }

    private static String firstWord(String line) {
        int space = line.indexOf(' ');
        String w = space < 0 ? line : line.substring(0, space);
        return w.length() > 40 ? w.substring(0, 40) + "…" : w;
    }
}
