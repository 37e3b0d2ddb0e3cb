package io.postern.gateway;

import io.postern.engine.OnPolicyFault;
import io.postern.engine.PeerConfig;
import io.postern.key.PresharedKey;
import io.postern.key.PrivateKey;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.net.IpPrefix;
import io.postern.spi.PluginConfig;
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
 * and {@code PersistentKeepalive}, and a {@code [Plugin.NAME]} section per configured plugin whose
 * {@code key = value} lines are handed to that plugin ({@link PluginConfig}). {@code Transport} takes a
 * comma-separated list of transport names.
 *
 * <p>As in wg-quick: section names and keys are case-insensitive, {@code #} starts a comment
 * anywhere on a line ({@code ;} too, as in INI files), blank lines are ignored, list keys
 * ({@code Address}, {@code AllowedIPs}) take comma-separated values and may repeat. Stricter than
 * wg-quick: an unknown section or key, a repeated single-valued key, a key without a value and a
 * duplicate peer are errors, so nothing is silently ignored. Every wg-quick {@code [Interface]} key is
 * accepted: {@code MTU} is used by the handlers that make an interface (see {@link NodeConfig#mtu()}); {@code DNS}, {@code Table} and {@code FwMark} are read,
 * checked and reported once as not applied by Postern ({@link Parsed#notApplied()}); {@code SaveConfig = true}
 * is applied ({@link ConfigWriteBack});
 * {@code PreUp/PostUp/PreDown/PostDown} are kept as {@link Hooks}, which {@code up} runs only with
 * {@code --allow-hooks} (on a hook line only {@code #} starts a comment: shell commands use ';').
 * {@code Handler} defaults to {@code ip} when {@code Address} is set (else {@code echo}).
 * {@code Endpoint} takes a host name, resolved when the file is read (as wg resolves it at
 * {@code setconf}/{@code syncconf}). Without {@code ListenPort} the node binds any free port, as wg does.
 *
 * <p>Every error is a {@link ConfigException} naming file, line and key; a file with several errors
 * gets them all in one exception ({@link ConfigException#several}). Secret values (private and
 * preshared keys) are never quoted in messages.
 */
final class WgQuickConfigParser {
    private static final int MAX_PORT = 65535;
    /** wg-quick's pattern for an interface name (Linux allows 15 characters). */
    private static final String INTERFACE_NAME = "[A-Za-z0-9_=+.-]{1,15}";
    private static final int MIN_MTU = 68;
    /** The largest MTU whose padded packets, plus WireGuard's 32 bytes, fit UDP's 65,507 over IPv4. */
    private static final int MAX_MTU = 65_507 - 32;

    /** BROKEN: after a section header in error, whose lines are skipped (their errors would only follow from it). */
    private enum Section { NONE, INTERFACE, PEER, PLUGIN, BROKEN }

    private final String file;
    private final Map<String, Integer> interfaceKeysSeen = new HashMap<>();
    private int interfaceLine;
    private PrivateKey privateKey;
    private int listenPort;
    private InetAddress listenAddress;
    private InetSocketAddress metricsListen;
    private String interfaceName;
    private int mtu;
    private OnPolicyFault onPolicyFault = OnPolicyFault.DEFAULT;
    private final List<IpPrefix> addresses = new ArrayList<>();
    /** Plugin keys (lower case) to the names given. */
    private final Map<String, String> plugins = new HashMap<>();
    private final List<PendingPeer> peers = new ArrayList<>();
    /** {@code [Plugin.NAME]} sections by plugin name, in file order. */
    private final Map<String, PendingPlugin> pluginSections = new java.util.LinkedHashMap<>();

    /** A {@code [Plugin.NAME]} section being read. */
    private record PendingPlugin(String name, int line, List<PluginConfig.Setting> settings) {}
    private final List<ConfigException> errors = new ArrayList<>();
    private final List<String> notApplied = new ArrayList<>();
    private boolean saveConfig;
    private final Map<String, List<String>> hooks = new HashMap<>();

    /** wg-quick's hook keys, lower case, in the order wg-quick runs them. */
    static final List<String> HOOK_KEYS = List.of("preup", "postup", "predown", "postdown");

    /**
     * wg-quick's commands, to run around the gateway's life with {@code %i} replaced by the interface name.
     *
     * @param preUp    before the gateway starts
     * @param postUp   after it started
     * @param preDown  before it stops
     * @param postDown after it stopped
     */
    record Hooks(List<String> preUp, List<String> postUp, List<String> preDown, List<String> postDown) {
        Hooks {
            preUp = List.copyOf(preUp);
            postUp = List.copyOf(postUp);
            preDown = List.copyOf(preDown);
            postDown = List.copyOf(postDown);
        }

        /** @return whether there is no hook at all */
        boolean isEmpty() {
            return preUp.isEmpty() && postUp.isEmpty() && preDown.isEmpty() && postDown.isEmpty();
        }
    }

    /**
     * A parsed file.
     *
     * @param config     the node's configuration
     * @param notApplied one line per accepted wg-quick key that Postern does not act on ("file:line: Key: …")
     * @param hooks      the wg-quick hooks, for {@code up --allow-hooks}
     * @param names      the peers' names, from their comments
     * @param saveConfig {@code SaveConfig = true}: changes made while running are written back to the file
     */
    record Parsed(NodeConfig config, List<String> notApplied, Hooks hooks, Map<PublicKey, String> names, boolean saveConfig) {}

    /**
     * A peer's name as wg-easy, PiVPN and hand-written files keep it, in a comment: {@code # laptop} as the
     * first line of its [Peer] section, or just before the section {@code ### begin laptop ###} (PiVPN)
     * or {@code # Client: laptop (id)} (wg-easy), or {@code # laptop}.
     */
    static String nameIn(String comment) {
        String c = comment.strip();
        if (!c.startsWith("#")) {
            return null;
        }
        c = c.replaceFirst("^#+", "").strip();
        var pivpn = java.util.regex.Pattern.compile("begin (.+?) #*").matcher(c);
        if (pivpn.matches()) {
            return pivpn.group(1).strip();
        }
        if (c.startsWith("end ") && c.endsWith("#")) {
            return null;
        }
        var wgEasy = java.util.regex.Pattern.compile("Client: (.+?)( \\(.*\\))?").matcher(c);
        if (wgEasy.matches()) {
            return wgEasy.group(1).strip();
        }
        return c.isEmpty() || c.length() > 64 ? null : c;
    }

    /** A {@code [Peer]} being read. */
    private static final class PendingPeer {
        final int line;
        /** From a comment (see {@link #nameIn}), or null. */
        String name;
        /** Whether a key line was read: a later comment is not the name. */
        boolean keyed;
        final Map<String, Integer> keysSeen = new HashMap<>();
        PublicKey publicKey;
        PresharedKey presharedKey = PresharedKey.NONE;
        final List<IpPrefix> allowedIps = new ArrayList<>();
        Endpoint endpoint;
        Duration keepalive = Duration.ZERO;
        /** Its PublicKey line was in error: "no PublicKey" would repeat that. */
        boolean publicKeyInError;

        PendingPeer(int line) {
            this.line = line;
        }
    }

    /** The private key given apart from the file ({@code up --private-key FILE}), or null. */
    private PrivateKey separateKey;
    private boolean peersOnly;
    private String pendingName;
    private boolean headerInError;
    private boolean privateKeyInError;

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
        return load(path, separateKey).config();
    }

    /**
     * @throws ConfigException naming file, line and key
     * @throws IOException     when the file cannot be read
     */
    static NodeConfig parse(Path path) throws IOException {
        return load(path).config();
    }

    /**
     * As {@link #parse(Path)}, with the keys not applied and the hooks.
     *
     * @throws ConfigException naming file, line and key (all the file's errors at once)
     * @throws IOException     when the file cannot be read
     */
    static Parsed load(Path path) throws IOException {
        return load(path, null);
    }

    /** As {@link #load(Path)}, the private key given apart ({@link #parse(Path, PrivateKey)}) unless null. */
    static Parsed load(Path path, PrivateKey separateKey) throws IOException {
        String name = path.toString();
        if (!Files.exists(path)) {
            throw new ConfigException(name, 0, null, "no such file");
        }
        if (!Files.isRegularFile(path)) {
            throw new ConfigException(name, 0, null, "not a regular file");
        }
        WgQuickConfigParser parser = new WgQuickConfigParser(name);
        parser.separateKey = separateKey;
        NodeConfig config = parser.read(Files.readAllLines(path, StandardCharsets.UTF_8));
        Map<PublicKey, String> names = new java.util.LinkedHashMap<>();
        for (PendingPeer p : parser.peers) {
            if (p.publicKey != null && p.name != null) {
                names.put(p.publicKey, p.name);
            }
        }
        return new Parsed(config, List.copyOf(parser.notApplied), parser.hooks(), names, parser.saveConfig);
    }

    /**
     * Reads only the {@code [Peer]} sections, as {@code syncconf} does: the {@code [Interface]} may be
     * absent, or hold anything a wg-quick file may (it is checked, then ignored).
     *
     * @throws ConfigException naming file, line and key (all the file's errors at once)
     */
    static List<PeerConfig> parsePeers(String file, List<String> lines) {
        WgQuickConfigParser parser = new WgQuickConfigParser(file);
        parser.peersOnly = true;
        parser.readSections(lines);
        List<PeerConfig> out = new ArrayList<>();
        parser.buildPeers(out::add);
        parser.throwErrors();
        return out;
    }

    private Hooks hooks() {
        return new Hooks(hooks.getOrDefault("preup", List.of()), hooks.getOrDefault("postup", List.of()),
                hooks.getOrDefault("predown", List.of()), hooks.getOrDefault("postdown", List.of()));
    }

    /**
     * @param file  the file name to put in messages
     * @param lines the file's lines
     * @throws ConfigException naming file, line and key
     */
    static NodeConfig parse(String file, List<String> lines) {
        return new WgQuickConfigParser(file).read(lines);
    }

    /** At least 20 base64 characters in a row: 120 bits, a key or enough of one to matter. */
    private static final java.util.regex.Pattern KEY_MATERIAL = java.util.regex.Pattern.compile("[A-Za-z0-9+/]{20,}");
    /** What an error message says instead of a value that may be key material. */
    static final String KEY_LIKE = "(a value that looks like key material, not shown)";

    private NodeConfig read(List<String> lines) {
        readSections(lines);
        if ((interfaceLine == 0 && headerInError) || (privateKey == null && privateKeyInError)) {
            throwErrors(); // what build() would add only follows from errors already reported
        }
        NodeConfig config = null;
        try {
            config = build();
        } catch (ConfigException e) {
            errors.add(e);
        }
        throwErrors();
        return config;
    }

    private void throwErrors() {
        if (errors.size() == 1) {
            throw errors.getFirst();
        }
        if (!errors.isEmpty()) {
            throw ConfigException.several(errors);
        }
    }

    /** Reads every line, collecting errors (a line in error is skipped; the others are still checked). */
    private void readSections(List<String> lines) {
        Section section = Section.NONE;
        PendingPeer peer = null;
        PendingPlugin pluginSection = null;
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String raw = lines.get(i);
            if (raw.strip().startsWith("#")) {
                String n = nameIn(raw);
                if (n != null) {
                    if (peer != null && !peer.keyed && peer.name == null) {
                        peer.name = n; // the first comment of a [Peer] section
                    } else {
                        pendingName = n; // the last comment before a section header
                    }
                }
                continue;
            } else if (!raw.isBlank() && !raw.strip().startsWith("[")) {
                if (peer != null) {
                    peer.keyed = true;
                }
                pendingName = null;
            }
            String line = (isHook(raw) ? stripHashComment(raw) : stripComment(raw)).strip();
            if (line.isEmpty()) {
                continue;
            }
          try {
            if (line.startsWith("[")) {
                section = Section.BROKEN; // until this header proves good
                peer = null;
                if (!line.endsWith("]")) {
                    throw new ConfigException(file, lineNo, null, "section header '" + shown(line) + "' has no closing ']'");
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
                        peer.name = pendingName;
                        pendingName = null;
                        peers.add(peer);
                        section = Section.PEER;
                    }
                    default -> {
                        if (!name.regionMatches(true, 0, "plugin.", 0, 7)) {
                            throw new ConfigException(file, lineNo, null,
                                    "unknown section [" + shown(name) + "]; known: [Interface], [Peer], [Plugin.NAME]");
                        }
                        pluginSection = pluginSection(lineNo, name.substring(7).strip());
                        section = Section.PLUGIN;
                    }
                }
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new ConfigException(file, lineNo, null, "'" + firstWord(line) + "' is not a 'Key = Value' line");
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (!shown(key).equals(key)) { // a bare base64 key ends in '=': never echo it as a key name
                throw new ConfigException(file, lineNo, null, "is not a 'Key = Value' line; " + KEY_LIKE);
            }
            if (key.isEmpty()) {
                throw new ConfigException(file, lineNo, null, "line has '=' but no key before it");
            }
            if (value.isEmpty() && section == Section.INTERFACE && HOOK_KEYS.contains(key.toLowerCase(Locale.ROOT))) {
                continue; // wg-quick runs an empty hook as nothing (wg-easy writes "PreUp = ")
            }
            if (value.isEmpty()) {
                throw new ConfigException(file, lineNo, key, "has no value");
            }
            switch (section) {
                case BROKEN -> { }
                case NONE -> throw new ConfigException(file, lineNo, key,
                        "appears before any section; put it under [Interface] or [Peer]");
                case INTERFACE -> interfaceKey(lineNo, key, value);
                case PEER -> peerKey(peer, lineNo, key, value);
                case PLUGIN -> pluginSection.settings().add(new PluginConfig.Setting(key, value, lineNo));
            }
          } catch (ConfigException e) {
            errors.add(e);
            String k = e.key().orElse("").toLowerCase(Locale.ROOT);
            if (line.startsWith("[")) {
                headerInError = true;
            } else if (section == Section.PEER && k.equals("publickey")) {
                peer.publicKeyInError = true;
            } else if (section != Section.PEER && k.equals("privatekey")) {
                privateKeyInError = true;
            }
          }
        }
    }

    private static boolean isHook(String raw) {
        int eq = raw.indexOf('=');
        return eq > 0 && HOOK_KEYS.contains(raw.substring(0, eq).strip().toLowerCase(Locale.ROOT));
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
                    throw new ConfigException(file, line, key, "'" + shown(value) + "' is not an interface name "
                            + "(1-15 of letters, digits, '_', '=', '+', '.', '-')");
                }
                interfaceName = value;
            }
            case "mtu" -> {
                once(interfaceKeysSeen, line, key);
                mtu = mtu(line, key, value);
            }
            case "transport" -> {
                once(interfaceKeysSeen, line, key);
                List<String> names = list(line, key, value);
                for (String n : names) {
                    if (!Endpoint.isTransportName(n)) {
                        throw new ConfigException(file, line, key, "'" + shown(n) + "' is not a transport name (lower-case letters, digits, '.', '_', '-')");
                    }
                    if (names.indexOf(n) != names.lastIndexOf(n)) {
                        throw new ConfigException(file, line, key, "names transport '" + n + "' twice");
                    }
                }
                plugins.put(k, String.join(", ", names));
            }
            case "onpolicyfault" -> {
                once(interfaceKeysSeen, line, key);
                onPolicyFault = parseValue(line, key, value, OnPolicyFault::parse, false);
            }
            case "sessionpolicy", "cryptoprovider", "admission", "handler" -> {
                once(interfaceKeysSeen, line, key);
                if (!value.matches("[A-Za-z0-9._-]+")) {
                    throw new ConfigException(file, line, key, "'" + shown(value) + "' is not a plugin name (letters, digits, '.', '_', '-')");
                }
                plugins.put(k, value);
            }
            case "dns" -> {
                list(line, key, value); // IP addresses and search domains: resolvconf's business, not Postern's
                notApplied(line, key, "Postern configures no resolver");
            }
            case "table" -> {
                once(interfaceKeysSeen, line, key);
                if (!value.matches("[A-Za-z0-9_.-]+")) {
                    throw new ConfigException(file, line, key, "'" + value + "' is not off, auto, a table number or name");
                }
                notApplied(line, key, "Postern adds no routes");
            }
            case "fwmark" -> {
                once(interfaceKeysSeen, line, key);
                if (!value.equalsIgnoreCase("off") && !value.matches("(0x[0-9A-Fa-f]{1,8}|[0-9]{1,10})")) {
                    throw new ConfigException(file, line, key, "'" + value + "' is neither off nor a 32-bit number");
                }
                notApplied(line, key, "Postern sets no firewall mark on its socket");
            }
            case "saveconfig" -> {
                once(interfaceKeysSeen, line, key);
                if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                    throw new ConfigException(file, line, key, "'" + value + "' is neither true nor false");
                }
                saveConfig = value.equalsIgnoreCase("true"); // applied: see ConfigWriteBack
            }
            case "preup", "postup", "predown", "postdown" -> hooks.computeIfAbsent(k, x -> new ArrayList<>()).add(value);
            default -> throw new ConfigException(file, line, key, "unknown key in [Interface]; known: PrivateKey, "
                    + "ListenPort, Address, ListenAddress, SessionPolicy, CryptoProvider, Admission, Handler, Transport, "
                    + "MetricsListen, Name, MTU, OnPolicyFault, and wg-quick's DNS, Table, FwMark, SaveConfig, PreUp, PostUp, PreDown, PostDown");
        }
    }

    private void notApplied(int line, String key, String why) {
        notApplied.add(file + ":" + line + ": " + key + ": not applied by Postern (" + why + ")");
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
                peer.endpoint = parseValue(line, key, value, WgQuickConfigParser::endpoint, true);
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
        List<PeerConfig> built = new ArrayList<>();
        buildPeers(built::add);
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
                .metricsListen(metricsListen).mtu(mtu).onPolicyFault(onPolicyFault)
                .interfaceName(interfaceName != null ? interfaceName : baseName(file));
        addresses.forEach(builder::address);
        plugin("sessionpolicy", builder::sessionPolicy);
        plugin("cryptoprovider", builder::cryptoProvider);
        plugin("admission", builder::admission);
        plugin("handler", builder::handler);
        if (!addresses.isEmpty() && !plugins.containsKey("handler")) {
            // a file with Address is a wg-quick interface meant to carry IP: the echo handler would send
            // every ping back to the pinger, carry nothing and warn nobody
            builder.handler("ip");
        }
        plugin("transport", builder::transport);
        for (PendingPlugin p : pluginSections.values()) {
            builder.pluginSettings(PluginConfig.of(p.name(), file, p.line(), p.settings()));
        }
        // a plugin the file selects but gives no section gets an empty one that still names this file,
        // so "a required key is missing" says which file
        for (Map.Entry<String, String> named : plugins.entrySet()) {
            for (String name : named.getValue().split(",")) {
                if (!pluginSections.containsKey(name.strip())) {
                    builder.pluginSettings(PluginConfig.empty(name.strip(), file));
                }
            }
        }
        built.forEach(builder::peer);
        return builder.build();
    }

    /** Checks the peers (errors collected), giving each complete one to {@code out}. */
    private void buildPeers(Consumer<PeerConfig> out) {
        Map<PublicKey, Integer> peerLines = new HashMap<>();
        for (PendingPeer p : peers) {
            if (p.publicKey == null) {
                if (p.publicKeyInError) {
                    continue;
                }
                errors.add(new ConfigException(file, p.line, null, "[Peer] has no PublicKey"));
                continue;
            }
            Integer first = peerLines.putIfAbsent(p.publicKey, p.line);
            if (first != null) {
                errors.add(new ConfigException(file, p.line, "PublicKey", "peer " + p.publicKey.shortForm()
                        + " is configured twice (first [Peer] on line " + first + ")"));
                continue;
            }
            out.accept(new PeerConfig(p.publicKey, p.presharedKey, p.allowedIps, p.endpoint, p.keepalive));
        }
    }

    /**
     * {@code IP:PORT}, {@code [IPv6]:PORT}, or {@code HOST:PORT} with the host name resolved now (the
     * first address the resolver gives, as wg's getaddrinfo does).
     */
    static Endpoint endpoint(String value) {
        try {
            return Endpoint.parse(value);
        } catch (IllegalArgumentException notLiteral) {
            int colon = value.lastIndexOf(':');
            String host = colon > 0 ? value.substring(0, colon) : "";
            if (host.isEmpty() || host.startsWith("[") || host.indexOf(':') >= 0 || !host.matches("[A-Za-z0-9.-]+")
                    || host.chars().allMatch(c -> c == '.' || Character.isDigit(c))) {
                throw notLiteral; // not a host name: the literal's own message says what is wrong
            }
            InetAddress ip;
            try {
                ip = InetAddress.getByName(host);
            } catch (java.net.UnknownHostException e) {
                throw new IllegalArgumentException("cannot resolve host '" + host + "'", e);
            }
            return Endpoint.parse((ip instanceof java.net.Inet6Address ? "[" + ip.getHostAddress() + "]" : ip.getHostAddress())
                    + value.substring(colon));
        }
    }

    private void plugin(String key, Consumer<String> setter) {
        String v = plugins.get(key);
        if (v != null) {
            setter.accept(v);
        }
    }

    private PendingPlugin pluginSection(int line, String name) {
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new ConfigException(file, line, null, "[Plugin." + name + "] does not name a plugin (letters, digits, '.', '_', '-')");
        }
        PendingPlugin p = new PendingPlugin(name, line, new ArrayList<>());
        PendingPlugin first = pluginSections.putIfAbsent(name, p);
        if (first != null) {
            throw new ConfigException(file, line, null, "second [Plugin." + name + "] section (the first is on line " + first.line() + ")");
        }
        return p;
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
            throw new ConfigException(file, line, key, "'" + shown(value) + "' is not a port number (1-" + MAX_PORT + ")");
        }
        return port;
    }

    /** {@code MTU = 1420}: from the IPv4 minimum (68) to the largest payload one WireGuard message carries. */
    private int mtu(int line, String key, String value) {
        int v = value.length() <= 5 && value.chars().allMatch(Character::isDigit) ? Integer.parseInt(value) : -1;
        if (v < MIN_MTU || v > MAX_MTU) {
            throw new ConfigException(file, line, key, "'" + shown(value) + "' is not an MTU (" + MIN_MTU + "-" + MAX_MTU + ")");
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
            throw new ConfigException(file, line, key, "'" + shown(value) + "' is not an IP address");
        }
        return parseValue(line, key, value, v -> IpPrefix.parse(v).address(), true);
    }

    /** {@code MetricsListen = 127.0.0.1:9586}: an IP literal and port; loopback only. */
    private InetSocketAddress metricsListen(int line, String key, String value) {
        Endpoint e = parseValue(line, key, value, Endpoint::parse, true);
        if (!e.ip().isLoopbackAddress()) {
            throw new ConfigException(file, line, key, "'" + shown(value) + "' is not a loopback address; metrics are "
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
            throw new ConfigException(file, line, key, "'" + shown(value) + "' is neither 'off' nor a number of seconds (0-65535)");
        }
        return Duration.ofSeconds(seconds);
    }

    private List<String> list(int line, String key, String value) {
        List<String> parts = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            String p = part.strip();
            if (p.isEmpty()) {
                throw new ConfigException(file, line, key, "'" + shown(value) + "' has an empty entry in its comma list");
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
            // the api's messages may quote the value: never when it may be key material
            String what = e.getMessage() == null ? "is not valid" : shown(e.getMessage());
            throw new ConfigException(file, line, key, quote ? "'" + shown(value) + "': " + what : what, e);
        }
    }

    private static String stripComment(String line) {
        int hash = line.indexOf('#');
        int semi = line.indexOf(';');
        int cut = hash < 0 ? semi : semi < 0 ? hash : Math.min(hash, semi);
        return cut < 0 ? line : line.substring(0, cut);
    }

    private static String stripHashComment(String line) {
        int hash = line.indexOf('#');
        return hash < 0 ? line : line.substring(0, hash);
    }

    private static String firstWord(String line) {
        int space = line.indexOf(' ');
        String w = shown(space < 0 ? line : line.substring(0, space));
        return w.length() > 40 && !w.equals(KEY_LIKE) ? w.substring(0, 40) + "…" : w;
    }

    /**
     * @return {@code text}, or {@link #KEY_LIKE} when it holds a run of base64 long enough to be a
     *         key or a good part of one (a private key appended by {@code genkey >> file}, a key
     *         given to the wrong setting): error messages end up in logs and terminals, keys never do
     */
    static String shown(String text) {
        return KEY_MATERIAL.matcher(text).find() ? KEY_LIKE : text;
    }
}
