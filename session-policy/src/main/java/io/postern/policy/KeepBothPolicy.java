package io.postern.policy;

import io.postern.spi.IdentityChange;
import io.postern.spi.PluginName;
import io.postern.spi.PolicyDecision;
import io.postern.spi.SessionPolicy;

/**
 * {@code keep-both}: a new identity at a bound endpoint is answered and the incumbent's session is
 * left alone until its keys expire ({@link PolicyDecision#ACCEPT_AND_KEEP_BOTH}) — WireGuard's
 * stock behaviour, where sessions are per key and endpoints are merely learned.
 *
 * <p>Choose it when several identities may legitimately share one public IP:port (e.g. a
 * multiplexing relay in front of several peers), or to compare Postern with stock WireGuard.
 * The cost: a stale session of a restarted peer lingers until its keys expire. Stateless and
 * thread-safe.
 */
@PluginName("keep-both")
public final class KeepBothPolicy implements SessionPolicy {

    /** Creates the policy; {@link java.util.ServiceLoader} calls this. */
    public KeepBothPolicy() {}

    /** A constant or a comparison of the change's fields: nothing to wait for. */
    @Override
    public boolean decidesWithoutBlocking() {
        return true;
    }

    @Override
    public String name() {
        return "keep-both";
    }

    @Override
    public String description() {
        return "WireGuard's stock behaviour: answer a new identity at a bound endpoint and keep the old "
                + "session until its keys expire; for endpoints legitimately shared by several identities.";
    }

    @Override
    public PolicyDecision onIdentityChange(IdentityChange change) {
        return PolicyDecision.ACCEPT_AND_KEEP_BOTH;
    }
}
