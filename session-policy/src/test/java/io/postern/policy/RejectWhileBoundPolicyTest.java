package io.postern.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.net.Endpoint;
import io.postern.spi.IdentityChange;
import io.postern.spi.PolicyDecision;
import io.postern.spi.SessionPolicy;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RejectWhileBoundPolicyTest extends SessionPolicyContractTest {
    @Override
    protected SessionPolicy create() {
        return new RejectWhileBoundPolicy();
    }

    @Override
    protected String expectedName() {
        return "reject-while-bound";
    }

    @Override
    protected PolicyDecision expectedDecision() {
        return PolicyDecision.REJECT;
    }

    /** Issue 11, item 3: a key that only roamed to the endpoint does not lock newcomers out of it. */
    @Test
    void anIncumbentThatOnlyRoamedThereLocksNobodyOut() {
        Instant now = Instant.parse("2025-01-01T00:00:00Z");
        IdentityChange roamed = new IdentityChange(Endpoint.parse("198.51.100.7:51820"), key(1), key(2), now,
                false, false, now, IdentityChange.Binding.ROAMING);
        assertThat(create().onIdentityChange(roamed)).isEqualTo(PolicyDecision.ACCEPT_AND_KEEP_BOTH);
        IdentityChange proven = new IdentityChange(Endpoint.parse("198.51.100.7:51820"), key(1), key(2), now,
                false, false, now, IdentityChange.Binding.HANDSHAKE);
        assertThat(create().onIdentityChange(proven)).isEqualTo(PolicyDecision.REJECT);
    }
}
