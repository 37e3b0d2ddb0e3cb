package io.postern.gateway;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where a gateway keeps its generated {@code postern.conf} and its admin socket, the same for both
 * launchers ({@code ./postern} in a checkout and the image's {@code bin/postern}) and never inside a
 * build folder (an image under {@code gateway-app/target} used to keep its private key there, which
 * {@code mvn clean} deleted): {@code --data-dir}, else {@code $POSTERN_DATA_DIR}, else
 * {@code /var/lib/postern} for root, else {@code $XDG_DATA_HOME/postern}, else
 * {@code ~/.local/share/postern}.
 */
final class DataDirectory {
    /** For root. */
    static final Path SYSTEM = Path.of("/var/lib/postern");
    /** How the default is described in --help. */
    static final String DESCRIPTION = "$" + UpCommand.DATA_DIR_ENV + ", else /var/lib/postern for root, "
            + "else ${XDG_DATA_HOME:-~/.local/share}/postern";

    private DataDirectory() {}

    /** @return the data directory for {@code option} (null: not given) and the environment */
    static Path of(Path option, Map<String, String> env) {
        if (option != null) {
            return option;
        }
        String fromEnv = env.get(UpCommand.DATA_DIR_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv);
        }
        if ("root".equals(System.getProperty("user.name"))) {
            return SYSTEM;
        }
        String xdg = env.get("XDG_DATA_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "postern");
        }
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        return Path.of(home, ".local", "share", "postern");
    }
}
