package io.postern.policy;

import io.postern.spi.IdentityChange;
import io.postern.spi.PluginName;
import io.postern.spi.PolicyDecision;
import io.postern.spi.SessionPolicy;

/**
 * {@code reject-while-bound}: a new identity's initiation from an endpoint bound to a live session
 * of another identity is dropped ({@link PolicyDecision#REJECT}); the incumbent keeps the endpoint.
 * Only a binding proven by a handshake at the endpoint locks newcomers out: an incumbent that merely
 * roamed there ({@link IdentityChange.Binding#ROAMING}: one authenticated packet from that source,
 * which any admitted key holder can spoof) gets {@link PolicyDecision#ACCEPT_AND_KEEP_BOTH}, so
 * nobody is locked out of an endpoint by a key that never shook hands there.
 *
 * <p>This is the behaviour of the gateway in the original bug report: a peer that crashed and came
 * back with a new key from the same NAT mapping stays locked out until the old session times out.
 * Kept to reproduce that report and to test against it; do not choose it for production unless an
 * endpoint must never change hands while a session on it lives. Stateless and thread-safe.
 */
@PluginName("reject-while-bound")
public final class RejectWhileBoundPolicy implements SessionPolicy {

    /** Creates the policy; {@link java.util.ServiceLoader} calls this. */
    public RejectWhileBoundPolicy() {}

    /** A constant or a comparison of the change's fields: nothing to wait for. */
    @Override
    public boolean decidesWithoutBlocking() {
        return true;
    }

    @Override
    public String name() {
        return "reject-while-bound";
    }

    @Override
    public String description() {
        return "Drop a new identity's handshake while another identity's session holds the endpoint by a "
                + "handshake there (a roamed binding keeps both); the behaviour of the original bug report, kept to reproduce it.";
    }

    @Override
    public PolicyDecision onIdentityChange(IdentityChange change) {
        return change.incumbentShookHandsHere() ? PolicyDecision.REJECT : PolicyDecision.ACCEPT_AND_KEEP_BOTH;
    }
}
