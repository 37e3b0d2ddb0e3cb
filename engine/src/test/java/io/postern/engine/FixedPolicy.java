package io.postern.engine;

import io.postern.spi.GatewayEvent;
import io.postern.spi.IdentityChange;
import io.postern.spi.PolicyDecision;
import io.postern.spi.SessionPolicy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A test policy answering one decision (null allowed, to test faults) and recording its questions. */
class FixedPolicy implements SessionPolicy {
    final PolicyDecision decision;
    final List<IdentityChange> questions = new CopyOnWriteArrayList<>();
    final List<GatewayEvent> events = new CopyOnWriteArrayList<>();

    FixedPolicy(PolicyDecision decision) {
        this.decision = decision;
    }

    @Override
    public String name() {
        return "fixed-" + decision;
    }

    @Override
    public String description() {
        return "always " + decision;
    }

    @Override
    public PolicyDecision onIdentityChange(IdentityChange change) {
        questions.add(change);
        return decision;
    }

    @Override
    public void onEvent(GatewayEvent event) {
        events.add(event);
    }

    /** A policy that throws. */
    static final class Throwing extends FixedPolicy {
        Throwing() {
            super(null);
        }

        @Override
        public String name() {
            return "throwing";
        }

        @Override
        public PolicyDecision onIdentityChange(IdentityChange change) {
            questions.add(change);
            throw new IllegalStateException("policy bug");
        }
    }
}
