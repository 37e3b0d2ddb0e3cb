package io.postern.gateway.metrics;

import io.postern.spi.GatewayEvent;
import io.postern.spi.GatewayEventListener;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts the session policy's decisions by policy and outcome, from the engine's events. */
public final class PolicyDecisionCounts implements GatewayEventListener {
    private final ConcurrentHashMap<Map.Entry<String, String>, LongAdder> counts = new ConcurrentHashMap<>();

    /** Creates empty counts. */
    public PolicyDecisionCounts() {}

    @Override
    public void onEvent(GatewayEvent event) {
        switch (event) {
            case GatewayEvent.IdentityChangedAtEndpoint c -> count(c.policy(), PrometheusText.label(c.decision()));
            case GatewayEvent.PolicyFault f -> count(f.policy(), "fault");
            default -> { }
        }
    }

    private void count(String policy, String outcome) {
        counts.computeIfAbsent(Map.entry(policy, outcome), k -> new LongAdder()).increment();
    }

    /** @return (policy, outcome) to count, sorted */
    Map<Map.Entry<String, String>, Long> snapshot() {
        Map<Map.Entry<String, String>, Long> out = new TreeMap<>(Map.Entry.<String, String>comparingByKey()
                .thenComparing(Map.Entry.comparingByValue()));
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
