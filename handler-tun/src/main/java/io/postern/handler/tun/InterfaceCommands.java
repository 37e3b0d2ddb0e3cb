package io.postern.handler.tun;

import io.postern.net.IpPrefix;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Configures an interface with iproute2's {@code ip}, as wg-quick does: MTU, addresses, up. Chosen
 * over rtnetlink through FFM because these run once at start, not per packet; {@code ip} already
 * handles every address family and flag, its error messages are the ones operators know, and the
 * commands it runs are exactly what an operator would type (they are logged).
 */
final class InterfaceCommands {
    private static final long TIMEOUT_SECONDS = 10;

    private InterfaceCommands() {}

    /** Sets the MTU, adds each address and brings {@code name} up. */
    static void configure(String name, int mtu, List<IpPrefix> addresses) {
        run("ip", "link", "set", "dev", name, "mtu", Integer.toString(mtu));
        for (IpPrefix a : addresses) {
            run("ip", "address", "add", a.address().getHostAddress() + "/" + a.length(), "dev", name);
        }
        run("ip", "link", "set", "dev", name, "up");
    }

    /** Removes addresses this process added to a persistent device it does not own. */
    static void removeAddresses(String name, List<IpPrefix> addresses) {
        for (IpPrefix a : addresses) {
            try {
                run("ip", "address", "del", a.address().getHostAddress() + "/" + a.length(), "dev", name);
            } catch (TunException ignored) {
                // already gone with the interface or removed by the operator
            }
        }
    }

    private static void run(String... command) {
        List<String> cmd = new ArrayList<>(List.of(command));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new TunException("cannot run '" + String.join(" ", cmd) + "' (configuring the interface needs "
                    + "iproute2's ip on PATH): " + e.getMessage(), e);
        }
        try {
            p.getOutputStream().close();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new TunException("'" + String.join(" ", cmd) + "' did not finish within " + TIMEOUT_SECONDS + " s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.exitValue() != 0) {
                throw new TunException("'" + String.join(" ", cmd) + "' failed (exit " + p.exitValue() + "): " + out);
            }
        } catch (IOException e) {
            throw new TunException("'" + String.join(" ", cmd) + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new TunException("interrupted while running '" + String.join(" ", cmd) + "'", e);
        }
    }
}
