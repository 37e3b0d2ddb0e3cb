package io.postern.gateway;

import io.postern.gateway.uapi.UapiClient;
import io.postern.gateway.uapi.UapiServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code postern userspace [-f] INTERFACE}: wireguard-go's command line. Creates the TUN interface
 * {@code INTERFACE} (no address, no key, no port: {@code wg set} and {@code ip} configure it) and the
 * UAPI socket {@code /var/run/wireguard/INTERFACE.sock} ({@code $POSTERN_UAPI_DIR} elsewhere), then,
 * unless {@code -f}, detaches: it starts itself again through util-linux's {@code setsid} (a new
 * session, stdin from /dev/null, stdout and stderr discarded unless {@code LOG_LEVEL} asks for logs),
 * waits until that child answers on its socket and exits 0 — or with the child's failure.
 *
 * <p>{@code LOG_LEVEL}: {@code debug}, {@code verbose} (INFO), {@code error} (the default, as
 * wireguard-go) or {@code silent}; the launcher applies it ({@link #logLevel}) before logging starts.
 */
@Command(mixinStandardHelpOptions = true, name = "userspace",
        description = "Run like wireguard-go INTERFACE: a TUN interface configured with wg set and ip (detaches unless -f).")
final class UserspaceCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(UserspaceCommand.class);
    /** Set in the detached child's environment: it runs in the foreground. */
    static final String CHILD_ENV = "POSTERN_USERSPACE_CHILD";
    /** How long the parent waits for the child's socket. */
    private static final long READY_TIMEOUT_MILLIS = 60_000;

    @ParentCommand
    PosternCommand parent;

    @Option(names = {"-f", "--foreground"}, description = "Stay in the foreground.")
    boolean foreground;

    @Parameters(index = "0", paramLabel = "INTERFACE", description = "Interface name (1-15 of a-z A-Z 0-9 _ = + . -).")
    String name;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (!UapiServer.INTERFACE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not an interface name (1-15 of a-z A-Z 0-9 _ = + . -)");
        }
        String dir = parent.env.get(UpCommand.UAPI_DIR_ENV);
        Path socket = UapiServer.socketFor(dir != null && !dir.isBlank() ? Path.of(dir) : UapiServer.DEFAULT_DIRECTORY, name);
        if (!foreground && !"1".equals(parent.env.get(CHILD_ENV))) {
            return detach(socket);
        }
        PluginRegistry registry = PluginRegistry.load(UpCommand.pluginsDir(null, parent.env));
        UserspaceDevice device = UserspaceDevice.start(name, registry);
        UapiServer server;
        try {
            server = UapiServer.open(socket, device);
        } catch (IOException | RuntimeException e) {
            device.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("postern-shutdown").unstarted(() -> {
            server.close();
            device.close();
            LOG.info("stopped interface={}", name);
            stopped.countDown();
        }));
        LOG.info("userspace interface={} uapi={} (configure with wg set {} ... and ip)", name, socket, name);
        stopped.await();
        return 0;
    }

    /** Starts this command again in a new session and waits until it serves its socket. */
    private int detach(Path socket) throws IOException, InterruptedException {
        ProcessHandle.Info self = ProcessHandle.current().info();
        String java = self.command().orElseThrow(() -> new IOException("cannot find this process's executable to detach; use -f"));
        List<String> command = new ArrayList<>(List.of("setsid", java));
        command.addAll(List.of(self.arguments().orElseThrow(() -> new IOException("cannot read this process's arguments to detach; use -f"))));
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        boolean logs = logLevel(parent.env) != null && !"OFF".equals(logLevel(parent.env));
        pb.redirectOutput(logs ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.DISCARD);
        pb.redirectError(logs ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.DISCARD);
        pb.environment().put(CHILD_ENV, "1");
        Process child;
        try {
            child = pb.start();
        } catch (IOException e) {
            throw new IOException("cannot detach through setsid (util-linux): " + e.getMessage() + "; use -f", e);
        }
        long deadline = System.nanoTime() + READY_TIMEOUT_MILLIS * 1_000_000L;
        while (System.nanoTime() < deadline) {
            if (!child.isAlive()) {
                parent.out.flush();
                throw new IOException("postern userspace " + name + " stopped at start (exit " + child.exitValue()
                        + "; run with -f and LOG_LEVEL=verbose to see why)");
            }
            if (answers(socket)) {
                return 0;
            }
            Thread.sleep(50);
        }
        child.destroy();
        throw new IOException("postern userspace " + name + ": no answer on " + socket + " within "
                + READY_TIMEOUT_MILLIS / 1000 + " s; stopped it");
    }

    private static boolean answers(Path socket) {
        try {
            UapiClient.get(socket);
            return true;
        } catch (IOException | RuntimeException | io.postern.gateway.uapi.UapiException e) {
            return false;
        }
    }

    /**
     * @return the logback level for wireguard-go's {@code LOG_LEVEL}, or null when unset (the caller
     *         keeps its default)
     * @throws IllegalArgumentException for a value wireguard-go does not know
     */
    static String logLevel(Map<String, String> env) {
        String v = env.get("LOG_LEVEL");
        if (v == null || v.isEmpty()) {
            return null;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "debug" -> "DEBUG";
            case "verbose" -> "INFO";
            case "error" -> "ERROR";
            case "silent" -> "OFF";
            default -> throw new IllegalArgumentException("LOG_LEVEL=" + v + ": use debug, verbose, error or silent");
        };
    }
}
