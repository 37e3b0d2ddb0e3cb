package io.postern.policy;

import io.postern.spi.IdentityChange;
import io.postern.spi.PluginName;
import io.postern.spi.PolicyDecision;
import io.postern.spi.SessionPolicy;

/**
 * {@code reset-on-identity-change}, the default: a new identity that handshakes from an endpoint
 * bound to another identity is answered at once, and once its session is proven by its first
 * authenticated transport packet the stale session at that endpoint is evicted
 * ({@link PolicyDecision#ACCEPT_AND_RESET_AFTER_CONFIRMATION}).
 *
 * <p>Choose it when peers sit behind NAT and may restart with a fresh key: the restarted peer is
 * back immediately, the dead session stops holding the endpoint, and a newcomer that never
 * confirms (someone replaying an initiation) leaves the incumbent untouched. Stateless and
 * thread-safe.
 */
@PluginName("reset-on-identity-change")
public final class ResetOnIdentityChangePolicy implements SessionPolicy {

    /** Creates the policy; {@link java.util.ServiceLoader} calls this. */
    public ResetOnIdentityChangePolicy() {}

    /** A constant or a comparison of the change's fields: nothing to wait for. */
    @Override
    public boolean decidesWithoutBlocking() {
        return true;
    }

    @Override
    public String name() {
        return "reset-on-identity-change";
    }

    @Override
    public String description() {
        return "Answer a new identity at a bound endpoint at once and evict the stale session "
                + "there once the new one is confirmed: for peers behind NAT that may restart with a new key.";
    }

    @Override
    public PolicyDecision onIdentityChange(IdentityChange change) {
        return PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION;
    }
}
