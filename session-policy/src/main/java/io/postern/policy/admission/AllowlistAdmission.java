package io.postern.policy.admission;

import io.postern.key.PublicKey;
import io.postern.spi.Admission;
import io.postern.spi.PluginName;

/**
 * {@code allowlist}, the default: only keys configured as a {@code [Peer]} may complete a
 * handshake — WireGuard's model. Choose it for a gateway whose peers are known in advance.
 * Stateless and thread-safe.
 */
@PluginName("allowlist")
public final class AllowlistAdmission implements Admission {

    /** Creates the admission rule; {@link java.util.ServiceLoader} calls this. */
    public AllowlistAdmission() {}

    @Override
    public String name() {
        return "allowlist";
    }

    @Override
    public String description() {
        return "Admits only keys configured as a [Peer] (WireGuard's model).";
    }

    @Override
    public boolean admits(PublicKey key, boolean configured) {
        return configured;
    }
}
