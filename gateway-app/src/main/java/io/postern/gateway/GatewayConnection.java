package io.postern.gateway;

import io.postern.gateway.uapi.UapiClient;
import io.postern.gateway.uapi.UapiException;
import io.postern.gateway.uapi.UapiServer;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/**
 * How {@code show}, {@code set}, {@code syncconf} and {@code showconf} reach a running gateway: WireGuard's
 * userspace API, on the admin socket of the data directory when no interface is named, else on
 * {@code UAPI_DIR/NAME.sock} (like wg, which also finds wireguard-go interfaces there).
 */
final class GatewayConnection {
    /** A base64 key is 44 characters: longer than any interface name, so the two never look alike. */
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=");

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory of the running gateway "
            + "(default: " + DataDirectory.DESCRIPTION + "); used when no interface is named.")
    Path dataDir;

    @Option(names = "--uapi-dir", paramLabel = "DIR", description = "Where NAME.sock sockets are (default: $"
            + UpCommand.UAPI_DIR_ENV + ", else /var/run/wireguard).")
    Path uapiDir;

    /** @return whether {@code arg} names an interface rather than a peer key */
    static boolean isInterface(String arg) {
        return arg != null && UapiServer.INTERFACE_NAME.matcher(arg).matches() && !KEY.matcher(arg).matches();
    }

    /** @return the data directory this command uses */
    Path dataDir(Map<String, String> env) {
        return DataDirectory.of(dataDir, env);
    }

    private Path uapiDir(Map<String, String> env) {
        if (uapiDir != null) {
            return uapiDir;
        }
        String fromEnv = env.get(UpCommand.UAPI_DIR_ENV);
        return fromEnv != null && !fromEnv.isBlank() ? Path.of(fromEnv) : UapiServer.DEFAULT_DIRECTORY;
    }

    /** @return the socket of interface {@code name}, or the data directory's admin socket when null */
    Path socket(Map<String, String> env, String name) {
        return name == null ? RunningGateway.adminSocketIn(dataDir(env)) : UapiServer.socketFor(uapiDir(env), name);
    }

    /** @return the names of every interface with a socket in the UAPI directory, sorted (as {@code wg show all}) */
    List<String> interfaces(Map<String, String> env) throws IOException {
        List<String> names = new ArrayList<>();
        Path dir = uapiDir(env);
        if (!Files.isDirectory(dir)) {
            return names;
        }
        try (DirectoryStream<Path> sockets = Files.newDirectoryStream(dir, "*.sock")) {
            for (Path s : sockets) {
                String n = s.getFileName().toString().replaceFirst("\\.sock$", "");
                if (UapiServer.INTERFACE_NAME.matcher(n).matches()) {
                    names.add(n);
                }
            }
        }
        names.sort(null);
        return names;
    }

    /**
     * @return the {@code get} answer of interface {@code name} (null: the data directory's gateway)
     * @throws IOException when nothing answers, or the gateway refuses
     */
    List<String> get(Map<String, String> env, String name) throws IOException {
        try {
            return UapiClient.get(socket(env, name));
        } catch (UapiException e) {
            throw new IOException("gateway: " + e.getMessage(), e);
        }
    }

    /**
     * Sends a {@code set} to interface {@code name} (null: the data directory's gateway).
     *
     * @throws IOException when nothing answers, or the gateway refuses (nothing was applied then)
     */
    void set(Map<String, String> env, String name, List<String> lines) throws IOException {
        try {
            UapiClient.set(socket(env, name), lines);
        } catch (UapiException e) {
            throw new IOException("gateway: " + e.getMessage(), e);
        }
    }
}
