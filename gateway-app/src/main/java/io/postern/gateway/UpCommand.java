package io.postern.gateway;

import io.postern.gateway.metrics.MetricsServer;
import io.postern.gateway.uapi.UapiServer;
import io.postern.key.PrivateKey;
import io.postern.net.Endpoint;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code postern up [--config FILE] [--data-dir DIR]}: runs the gateway until Ctrl-C or SIGTERM, with
 * its admin socket in the data directory (for {@code show}, {@code set}, {@code syncconf}) and, when
 * the configuration has {@code MetricsListen}, its Prometheus endpoint.
 *
 * <p>Without {@code --config} it uses {@code DATA_DIR/postern.conf}, writing it on first run with a
 * fresh private key (mode 0600), port 51820, open admission, the echo handler and the
 * reset-on-identity-change policy. The data directory is {@code --data-dir}, else
 * {@code $POSTERN_DATA_DIR}, else a fixed place per user, the same for both launchers
 * ({@link DataDirectory}). A file given with {@code --config} must exist: it is never generated.
 *
 * <p>Plugin jars are loaded from {@code --plugins DIR}, else {@code $POSTERN_PLUGINS_DIR} (the image's
 * {@code bin/postern} sets it to {@code <image>/plugins}), else nowhere; see {@link PluginDirectory}.
 */
@Command(mixinStandardHelpOptions = true, name = "up", description = "Run the gateway until Ctrl-C/SIGTERM (first run: writes DATA_DIR/postern.conf).")
final class UpCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(UpCommand.class);

    /** The environment variable naming the data directory. */
    static final String DATA_DIR_ENV = "POSTERN_DATA_DIR";
    /** The environment variable naming the plugins directory. */
    static final String PLUGINS_DIR_ENV = "POSTERN_PLUGINS_DIR";
    /** The environment variable naming the UAPI socket directory. */
    static final String UAPI_DIR_ENV = "POSTERN_UAPI_DIR";
    /** The configuration file's name in the data directory. */
    static final String CONFIG_FILE = "postern.conf";

    @ParentCommand
    PosternCommand parent;

    @Option(names = "--config", paramLabel = "FILE", description = "wg-quick style configuration file to use (must exist).")
    Path config;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where postern.conf lives (default: " + DataDirectory.DESCRIPTION + ").")
    Path dataDir;

    @Option(names = "--name", paramLabel = "NAME",
            description = "Interface name for wg and for Handler = tun's interface (default: the file's Name, else its base name, like wg-quick: wg0.conf -> wg0).")
    String name;

    @Option(names = "--uapi-dir", paramLabel = "DIR",
            description = "Where to serve WireGuard's userspace API as NAME.sock (default: $" + UAPI_DIR_ENV
                    + ", else /var/run/wireguard, where wg looks; skipped when that is not writable).")
    Path uapiDir;

    @Option(names = "--allow-hooks",
            description = "Run the file's wg-quick PreUp/PostUp/PreDown/PostDown commands (%%i = NAME); without it they are reported and not run.")
    boolean allowHooks;

    @Option(names = "--listen-port", paramLabel = "PORT",
            description = "UDP port to listen on, instead of the file's ListenPort.")
    Integer listenPort;

    @Option(names = "--plugins", paramLabel = "DIR",
            description = "Directory of plugin jars (default: $" + PLUGINS_DIR_ENV + ", set by the image's bin/postern to <image>/plugins).")
    Path plugins;

    @Option(names = "--private-key", paramLabel = "FILE",
            description = "Read the private key from FILE (base64, like 'wg set private-key'); the configuration then has no PrivateKey.")
    Path privateKey;

    @Option(names = "--watch-config",
            description = "Apply changes of the configuration file's [Peer] sections like 'syncconf', also when a Kubernetes volume swaps it.")
    boolean watchConfig;

    @Option(names = "--metrics-listen", paramLabel = "IP:PORT", converter = CliConverters.Endpoints.class,
            description = "Serve /metrics, /healthz and /readyz on IP:PORT, which may be any address (instead of the loopback MetricsListen).")
    Endpoint metricsListen;

    @Option(names = "--drain", paramLabel = "SECONDS", defaultValue = "0",
            description = "On SIGTERM, answer /readyz with 503 at once and keep serving SECONDS before stopping (default: ${DEFAULT-VALUE}).")
    int drainSeconds;

    /** How often --watch-config re-reads the file when no file event came. */
    static final Duration WATCH_POLL = Duration.ofSeconds(2);

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (drainSeconds < 0 || drainSeconds > 3600) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--drain " + drainSeconds + " is outside 0-3600 seconds");
        }
        PluginRegistry registry = PluginRegistry.load(pluginsDir(plugins, parent.env));
        Path file = config != null ? config : dataDir().resolve(CONFIG_FILE);
        if (config == null) {
            String created = FirstRunConfig.createIfMissing(file, registry.crypto().select(NodeConfig.DEFAULT_CRYPTO_PROVIDER).x25519());
            if (created != null) {
                LOG.info("first run: wrote a new configuration file={} publicKey={}", file, created);
            }
        } else if (!Files.exists(config)) {
            throw new ConfigException(config.toString(), 0, null, "no such file (--config names an existing file; "
                    + "leave it out to use or create " + DATA_DIR_ENV + "/" + CONFIG_FILE + ")");
        }
        if (FirstRunConfig.readableByOthers(file)) {
            LOG.warn("configuration file is readable by other users and holds a private key; chmod 600 it file={}", file);
        }
        ConfigWatcher.Reader reader = f -> WgQuickConfigParser.parse(f, privateKey == null ? null : readPrivateKey(privateKey));
        WgQuickConfigParser.Parsed parsed = WgQuickConfigParser.load(file, privateKey == null ? null : readPrivateKey(privateKey));
        parsed.notApplied().forEach(line -> LOG.warn("{}", line));
        if (parsed.saveConfig()) {
            LOG.info("SaveConfig = true: changes made with set, syncconf and peer add are written back to {} at each change", file);
        }
        NodeConfig nodeConfig = parsed.config();
        // the transports' one-time native linking, in parallel with the rest of the start (never waited for)
        TransportPreparation.start(registry.transports(), nodeConfig.transports());
        int warmup = HandshakeWarmup.handshakes(parent.env);
        if (warmup < 0) {
            throw new ConfigException(HandshakeWarmup.ENV + ": not a number of handshakes: '"
                    + parent.env.get(HandshakeWarmup.ENV) + "' (0 turns the warm-up off)");
        }
        if (listenPort != null) {
            if (listenPort < 0 || listenPort > 65535) {
                throw new IllegalArgumentException("--listen-port " + listenPort + " is not a port (0-65535)");
            }
            nodeConfig = nodeConfig.toBuilder().listenPort(listenPort).build();
        }
        String ifname = name != null ? name : !nodeConfig.interfaceName().isEmpty() ? nodeConfig.interfaceName()
                : interfaceName(null, file);
        // one name for the wg socket and the interface Handler = tun creates, as with wireguard-go
        nodeConfig = nodeConfig.toBuilder().interfaceName(ifname).build();
        Path uapiSocket = uapiSocket(file, ifname);
        WgQuickConfigParser.Hooks hooks = parsed.hooks();
        if (!hooks.isEmpty() && !allowHooks) {
            LOG.warn("{}: PreUp/PostUp/PreDown/PostDown: not applied by Postern (they run commands; start with "
                    + "--allow-hooks to run them, %i = {})", file, ifname);
        }
        boolean runHooks = allowHooks && !hooks.isEmpty();
        if (runHooks) {
            WgQuickHooks.run("PreUp", hooks.preUp(), ifname, true);
        }
        RunningGateway gateway;
        try {
            gateway = RunningGateway.start(nodeConfig, registry, dataDir(), uapiSocket, parsed.names(),
                    metricsListen == null ? null : new InetSocketAddress(metricsListen.ip(), metricsListen.port()),
                    parsed.saveConfig() ? file : null);
        } catch (IOException e) {
            if (isPortInUse(e)) {
                throw bindError(file, nodeConfig, e);
            }
            throw e;
        }
        PosternNode node = gateway.node();
        if (watchConfig) {
            try {
                gateway.watchConfig(file, reader, WATCH_POLL);
            } catch (IOException | RuntimeException e) {
                gateway.close();
                throw e;
            }
        }
        if (runHooks) {
            try {
                WgQuickHooks.run("PostUp", hooks.postUp(), ifname, true);
            } catch (IOException e) {
                gateway.close();
                throw e;
            }
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Duration drain = Duration.ofSeconds(drainSeconds);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("postern-shutdown").unstarted(() -> {
            try {
                if (runHooks) {
                    WgQuickHooks.run("PreDown", hooks.preDown(), ifname, false);
                }
                gateway.drainAndClose(drain, RunningGateway.Sleeper.THREAD);
                if (runHooks) {
                    WgQuickHooks.run("PostDown", hooks.postDown(), ifname, false);
                }
            } catch (IOException e) {
                LOG.warn("stopping", e); // not thrown: the down hooks only log
            }
            LOG.info("stopped");
            stopped.countDown();
        }));
        parent.out.println("public key: " + node.publicKey().toBase64());
        parent.out.println("listening on: " + String.join(", ", nodeConfig.transports().stream()
                .map(t -> t + " " + display(node.localEndpoint(t))).toList()));
        parent.out.println("config: " + file + "  policy: " + node.sessionPolicy() + "  (Ctrl-C to stop)");
        parent.out.println("admin: " + gateway.adminSocket() + gateway.metrics()
                .map(m -> "  metrics: http://" + display(Endpoint.of(m.address().getAddress(),
                        m.address().getPort())) + MetricsServer.PATH).orElse(""));
        gateway.uapiSocket().ifPresent(socket -> parent.out.println("wg: " + socket + "  (wg show "
                + socket.getFileName().toString().replaceFirst("\\.sock$", "") + ")"));
        parent.out.flush();
        // after "listening on:": the warm-up never delays readiness, it only shortens the first handshakes
        node.startWarmup(warmup);
        stopped.await();
        return 0;
    }

    /** Reads a base64 private key file, as {@code wg set private-key FILE}. */
    static PrivateKey readPrivateKey(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(file.toString(), 0, null, "no such file (--private-key names a file holding a base64 key)");
        }
        try {
            return PrivateKey.fromBase64(Files.readString(file, StandardCharsets.US_ASCII).strip());
        } catch (IllegalArgumentException | java.nio.charset.CharacterCodingException e) {
            throw new ConfigException(file.toString(), 1, null, "is not a base64 private key (postern genkey writes one)");
        }
    }

    /** @return the endpoint, with a wildcard address written as {@code [::]} or {@code 0.0.0.0} and what it means */
    static String display(Endpoint local) {
        if (!local.ip().isAnyLocalAddress()) {
            return local.hostAndPort();
        }
        return local.ip() instanceof Inet6Address
                ? "[::]:" + local.port() + " (every interface, IPv4 and IPv6)"
                : "0.0.0.0:" + local.port() + " (every IPv4 interface)";
    }

    /** @return {@code option}, else the directory {@link #PLUGINS_DIR_ENV} names, else null (no plugins) */
    static Path pluginsDir(Path option, Map<String, String> env) {
        if (option != null) {
            return option;
        }
        String fromEnv = env.get(PLUGINS_DIR_ENV);
        return fromEnv != null && !fromEnv.isBlank() ? Path.of(fromEnv) : null;
    }

    /** @return a bind failure that names what to change: the file's ListenPort line, or --listen-port */
    static boolean isPortInUse(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException) {
                return true;
            }
        }
        return false;
    }

    private ConfigException bindError(Path file, NodeConfig config, IOException e) {
        int line = 0;
        try {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size() && line == 0; i++) {
                if (lines.get(i).strip().toLowerCase(java.util.Locale.ROOT).matches("listenport\\s*=.*")) {
                    line = i + 1;
                }
            }
        } catch (IOException ignored) {
            // the message still names the file
        }
        String where = listenPort != null ? "--listen-port " + listenPort : line > 0 ? "ListenPort" : "the port";
        return new ConfigException(file.toString(), listenPort != null ? 0 : line, listenPort != null ? null : "ListenPort",
                "cannot listen on UDP port " + config.listenPort() + ": another process uses it (" + e.getMessage() + "); "
                        + "change " + where + " or start with up --listen-port PORT", e);
    }

    /** @return the interface name: {@code option}, else the config file's base name without {@code .conf} */
    static String interfaceName(String option, Path configFile) {
        if (option != null) {
            return option;
        }
        String base = configFile.getFileName().toString();
        return base.endsWith(".conf") ? base.substring(0, base.length() - ".conf".length()) : base;
    }

    /**
     * @return where to serve the UAPI: in --uapi-dir or $POSTERN_UAPI_DIR (which must work), else in
     *         /var/run/wireguard when it exists writable or can be created; else null, with one line saying why
     */
    private Path uapiSocket(Path configFile, String ifname) {
        if (!UapiServer.INTERFACE_NAME.matcher(ifname).matches()) {
            throw new ConfigException(configFile.toString(), 0, null, "'" + ifname + "' (from " + (name != null ? "--name"
                    : "the file's name") + ") is not an interface name wg accepts (1-15 of a-z A-Z 0-9 _ = + . -): "
                    + "give --name NAME");
        }
        Path dir = uapiDir;
        if (dir == null) {
            String fromEnv = parent.env.get(UAPI_DIR_ENV);
            dir = fromEnv != null && !fromEnv.isBlank() ? Path.of(fromEnv) : null;
        }
        if (dir != null) {
            return UapiServer.socketFor(dir, ifname);
        }
        Path fallback = UapiServer.DEFAULT_DIRECTORY;
        boolean usable = Files.isDirectory(fallback) ? Files.isWritable(fallback) : Files.isWritable(fallback.getParent());
        if (!usable) {
            LOG.info("wg-compatible socket not served: {} is not writable (run as root, or give --uapi-dir); "
                    + "postern show/set/syncconf use the admin socket", fallback);
            return null;
        }
        return UapiServer.socketFor(fallback, ifname);
    }

    private Path dataDir() {
        return DataDirectory.of(dataDir, parent.env);
    }
}
