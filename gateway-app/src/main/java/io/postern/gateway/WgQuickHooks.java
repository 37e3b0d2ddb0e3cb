package io.postern.gateway;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs wg-quick's {@code PreUp/PostUp/PreDown/PostDown} commands as wg-quick does: each line through
 * {@code bash -c}, {@code %i} replaced by the interface name, in file order. Only with
 * {@code up --allow-hooks}: they run commands, often as root. A failing Pre/PostUp stops the start
 * (wg-quick stops too); a failing Pre/PostDown is logged and the gateway stops anyway.
 */
final class WgQuickHooks {
    private static final Logger LOG = LoggerFactory.getLogger(WgQuickHooks.class);
    /** How long one hook may run. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private WgQuickHooks() {}

    /**
     * @param stage       "PreUp", "PostUp", …
     * @param mustSucceed throw on failure (the up stages) instead of logging it
     * @throws IOException when a hook of a must-succeed stage fails, naming it
     */
    static void run(String stage, List<String> commands, String interfaceName, boolean mustSucceed) throws IOException {
        for (String command : commands) {
            String line = command.replace("%i", interfaceName);
            LOG.info("running hook stage={} command={}", stage, line);
            int exit;
            try {
                Process p = new ProcessBuilder("bash", "-c", line).inheritIO().start();
                if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    exit = -1;
                } else {
                    exit = p.exitValue();
                }
            } catch (IOException e) {
                exit = -1;
                LOG.warn("hook could not run stage={} command={}", stage, line, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exit = -1;
            }
            if (exit != 0) {
                String what = stage + " hook '" + line + "' failed (exit " + (exit < 0 ? "timeout or not started" : exit) + ")";
                if (mustSucceed) {
                    throw new IOException(what);
                }
                LOG.warn("{}", what);
            }
        }
    }
}
