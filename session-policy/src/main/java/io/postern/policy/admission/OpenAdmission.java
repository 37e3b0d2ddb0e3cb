package io.postern.policy.admission;

import io.postern.key.PublicKey;
import io.postern.spi.Admission;
import io.postern.spi.PluginName;

/**
 * {@code open}: any static key may complete a handshake — the model of an open peer-to-peer
 * gateway whose peers generate their keys themselves and are not known in advance (and the one
 * where a peer restarting with a new key matters most). Peers are still authenticated: only
 * whoever holds the private key of an identity can speak as it. Stateless and thread-safe.
 */
@PluginName("open")
public final class OpenAdmission implements Admission {

    /** Creates the admission rule; {@link java.util.ServiceLoader} calls this. */
    public OpenAdmission() {}

    @Override
    public String name() {
        return "open";
    }

    @Override
    public String description() {
        return "Admits any key that completes the handshake (open gateway; peers are still authenticated).";
    }

    @Override
    public boolean admits(PublicKey key, boolean configured) {
        return true;
    }
}
