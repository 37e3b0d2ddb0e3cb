package io.postern.gateway.metrics;

import io.postern.engine.EngineCounter;
import io.postern.engine.EngineCounters;
import io.postern.engine.LatencyHistogram;
import io.postern.engine.PeerStatus;
import io.postern.engine.SessionEngine;
import io.postern.engine.SessionState;
import io.postern.event.DropReason;
import io.postern.gateway.ip.IpDropReason;
import io.postern.gateway.ip.IpPacketHandler;
import io.postern.spi.PacketHandler;
import io.postern.spi.PolicyDecision;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The gateway's metrics, read from the engine at each scrape. Names follow the Prometheus
 * conventions: a {@code postern_} prefix, {@code _total} on counters, base units (seconds, bytes).
 *
 * <ul>
 *   <li>{@code postern_handshakes_initiated_total}, {@code postern_handshakes_completed_total}</li>
 *   <li>{@code postern_handshakes_failed_total{reason}}: handshake messages refused, by drop reason
 *       (the reasons of {@link DropReason.Category#HANDSHAKE})</li>
 *   <li>{@code postern_sessions_confirmed_total}: keypairs confirmed by their first transport packet</li>
 *   <li>{@code postern_transport_packets_received_total}, {@code …_sent_total},
 *       {@code postern_transport_received_bytes_total}, {@code postern_transport_sent_bytes_total}</li>
 *   <li>{@code postern_dropped_packets_total{reason}}: every drop reason, zeros included</li>
 *   <li>{@code postern_sessions{state}}, {@code postern_peers{kind}}: gauges</li>
 *   <li>{@code postern_policy_decisions_total{policy,decision}}, {@code postern_policy_faults_total}</li>
 *   <li>{@code postern_stale_sessions_evicted_total}, {@code postern_evictions_contested_total} (evicted
 *       sessions restored by an authenticated packet on their kept keys)</li>
 *   <li>{@code postern_handshakes_abandoned_total}, {@code postern_half_open_evicted_total}</li>
 *   <li>{@code postern_cookie_replies_sent_total}: handshakes answered with a cookie reply under load
 *       (the engine counts them as drops with reason {@code MAC2_REQUIRED})</li>
 *   <li>{@code postern_cookies_received_total}: cookies taken from peers under load (mac2 on our
 *       next initiations and responses to them)</li>
 *   <li>{@code postern_transport_errors_total}: the transport's socket errors</li>
 *   <li>with the {@code ip} handler: {@code postern_ip_dropped_packets_total{reason}},
 *       {@code postern_ip_echo_replies_total}, {@code postern_ip_forwarded_packets_total}</li>
 *   <li>{@code postern_handshake_latency_seconds{role}}: histogram; initiator: initiation → response,
 *       responder: response → key confirmation</li>
 * </ul>
 */
public final class EngineMetrics {
    private final SessionEngine engine;
    private final String policy;
    private final PolicyDecisionCounts decisions;
    private final LongSupplier transportErrors;
    private final PacketHandler handler;
    private final java.util.function.Supplier<Map<String, Long>> transports;

    /**
     * @param engine          the engine to read
     * @param policy          the session policy's name (its outcomes are reported from zero)
     * @param decisions       the policy decision counts, registered as a listener on the engine
     * @param transportErrors the transport's {@link io.postern.spi.Transport#errors()}
     * @param handler         the packet handler in use (the {@code ip} handler's counters are exported)
     */
    public EngineMetrics(SessionEngine engine, String policy, PolicyDecisionCounts decisions,
                         LongSupplier transportErrors, PacketHandler handler) {
        this(engine, policy, decisions, transportErrors, handler, Map::of);
    }

    /**
     * As above, plus {@code transports}: every transport's own counters, {@code NAME_COUNTER} (e.g.
     * {@code tcp_closed_oversize}), reported as {@code postern_transport_events_total{transport_event=...}},
     * and those ending in {@code connections_open} as the gauge {@code postern_transport_connections_open}.
     */
    public EngineMetrics(SessionEngine engine, String policy, PolicyDecisionCounts decisions,
                         LongSupplier transportErrors, PacketHandler handler,
                         java.util.function.Supplier<Map<String, Long>> transports) {
        this.engine = engine;
        this.policy = policy;
        this.decisions = decisions;
        this.transportErrors = transportErrors;
        this.handler = handler;
        this.transports = transports;
    }

    /** @return every metric in the Prometheus text format */
    public String scrape() {
        EngineCounters c = engine.counters();
        PrometheusText t = new PrometheusText();
        counter(t, "postern_handshakes_initiated_total", "Handshake initiations sent.", c.handshakesInitiated());
        counter(t, "postern_handshakes_completed_total", "Handshakes completed, either role.", c.handshakesCompleted());
        t.family("postern_handshakes_failed_total", "counter", "Handshake messages refused, by reason.");
        for (DropReason r : DropReason.values()) {
            if (r.category() != DropReason.Category.HANDSHAKE) {
                continue;
            }
            t.sample("postern_handshakes_failed_total", c.drops(r), "reason", PrometheusText.label(r));
        }
        counter(t, "postern_sessions_confirmed_total", "Keypairs confirmed by their first transport packet.",
                c.sessionsConfirmed());
        counter(t, "postern_transport_packets_received_total", "Authenticated transport packets received.",
                c.packetsReceived());
        counter(t, "postern_transport_packets_sent_total", "Transport packets sent.", c.packetsSent());
        counter(t, "postern_transport_received_bytes_total", "Bytes of authenticated transport packets received.",
                c.bytesReceived());
        counter(t, "postern_transport_sent_bytes_total", "Bytes of transport packets sent.", c.bytesSent());
        t.family("postern_dropped_packets_total", "counter", "Received datagrams dropped, by reason.");
        for (Map.Entry<DropReason, Long> e : c.drops().entrySet()) {
            t.sample("postern_dropped_packets_total", e.getValue(), "reason", PrometheusText.label(e.getKey()));
        }
        counter(t, "postern_stale_sessions_evicted_total",
                "Sessions evicted because a new identity confirmed a session at their endpoint.", c.staleSessionsEvicted());
        counter(t, "postern_evictions_contested_total", "Evicted sessions restored by an authenticated packet on "
                + "their kept keys (the evicted peer was alive).", c.get(EngineCounter.EVICTIONS_CONTESTED));
        counter(t, "postern_cookie_replies_sent_total", "Cookie replies sent to handshakes without a valid mac2 "
                + "(under load).", c.cookieRepliesSent());
        counter(t, "postern_cookies_received_total", "Cookies taken from cookie replies of peers under load "
                + "(mac2 on our next handshake messages to them).", c.cookiesReceived());
        counter(t, "postern_handshakes_abandoned_total", "Initiations given up after REKEY_ATTEMPT_TIME "
                + "without a response.", c.handshakesAbandoned());
        counter(t, "postern_half_open_evicted_total", "Unconfirmed handshakes dropped to keep the half-open and "
                + "dynamic-peer bounds.", c.halfOpenEvicted());
        counter(t, "postern_policy_faults_total", "Times the session policy threw or answered null.", c.policyFaults());
        counter(t, "postern_transport_errors_total", "Datagrams the transport failed to receive or send "
                + "(socket errors).", transportErrors.getAsLong());
        policyDecisions(t);
        peers(t);
        if (handler instanceof IpPacketHandler ip) {
            ipHandler(t, ip);
        }
        t.family("postern_handshake_latency_seconds", "histogram", "Handshake latency. initiator: initiation sent to "
                + "response accepted; responder: response sent to key confirmation (first transport packet).");
        latency(t, "initiator", engine.handshakeLatency());
        latency(t, "responder", engine.confirmationLatency());
        transportEvents(t);
        return t.toString();
    }

    private static void ipHandler(PrometheusText t, IpPacketHandler ip) {
        t.family("postern_ip_dropped_packets_total", "counter", "Decrypted packets the ip handler dropped, by reason.");
        for (IpDropReason r : IpDropReason.values()) {
            t.sample("postern_ip_dropped_packets_total", ip.drops(r), "reason", PrometheusText.label(r));
        }
        counter(t, "postern_ip_echo_replies_total", "ICMP and ICMPv6 echo replies the ip handler sent.",
                ip.echoReplies());
        counter(t, "postern_ip_forwarded_packets_total", "Packets the ip handler forwarded to another peer.",
                ip.forwarded());
    }

    private void transportEvents(PrometheusText t) {
        Map<String, Long> all = new java.util.TreeMap<>(transports.get());
        all.entrySet().removeIf(e -> e.getKey().endsWith("connections_open"));
        if (!all.isEmpty()) {
            t.family("postern_transport_events_total", "counter",
                    "Transports' own events (connections accepted, closed by reason, frames dropped...), as TRANSPORT_EVENT.");
            all.forEach((k, v) -> t.sample("postern_transport_events_total", v, "transport_event", k));
        }
        Map<String, Long> open = new java.util.TreeMap<>(transports.get());
        open.entrySet().removeIf(e -> !e.getKey().endsWith("connections_open"));
        if (!open.isEmpty()) {
            t.family("postern_transport_connections_open", "gauge", "Connections a connection-oriented transport holds now.");
            open.forEach((k, v) -> t.sample("postern_transport_connections_open", v, "transport",
                    k.substring(0, Math.max(0, k.length() - "_connections_open".length()))));
        }
    }

    private static void counter(PrometheusText t, String name, String help, long value) {
        t.family(name, "counter", help).sample(name, value);
    }

    private void policyDecisions(PrometheusText t) {
        Map<Map.Entry<String, String>, Long> counts = new java.util.TreeMap<>(Map.Entry.<String, String>comparingByKey()
                .thenComparing(Map.Entry.comparingByValue()));
        for (PolicyDecision d : PolicyDecision.values()) {
            counts.put(Map.entry(policy, PrometheusText.label(d)), 0L);
        }
        counts.put(Map.entry(policy, "fault"), 0L);
        counts.putAll(decisions.snapshot());
        t.family("postern_policy_decisions_total", "counter",
                "Session policy decisions on an identity change at an endpoint, by policy and decision.");
        counts.forEach((k, v) -> t.sample("postern_policy_decisions_total", v, "policy", k.getKey(),
                "decision", k.getValue()));
    }

    private void peers(PrometheusText t) {
        Map<SessionState, Long> byState = new EnumMap<>(SessionState.class);
        for (SessionState s : SessionState.values()) {
            byState.put(s, 0L);
        }
        long configured = 0;
        long admitted = 0;
        for (PeerStatus p : engine.peers()) {
            byState.merge(p.state(), 1L, Long::sum);
            if (p.configured()) {
                configured++;
            } else {
                admitted++;
            }
        }
        t.family("postern_sessions", "gauge", "Peers by session state.");
        byState.forEach((s, n) -> t.sample("postern_sessions", n, "state", PrometheusText.label(s)));
        t.family("postern_peers", "gauge", "Peers held: configured, or admitted by open admission.");
        t.sample("postern_peers", configured, "kind", "configured");
        t.sample("postern_peers", admitted, "kind", "admitted");
    }

    private static void latency(PrometheusText t, String role, LatencyHistogram h) {
        String name = "postern_handshake_latency_seconds";
        for (int i = 0; i < h.upperBounds().size(); i++) {
            t.sample(name + "_bucket", h.cumulative().get(i), "role", role, "le", seconds(h.upperBounds().get(i)));
        }
        t.sample(name + "_bucket", h.count(), "role", role, "le", "+Inf");
        t.sample(name + "_sum", h.sum().toNanos() / 1e9, "role", role);
        t.sample(name + "_count", h.count(), "role", role);
    }

    private static String seconds(Duration d) {
        return Double.toString(d.toNanos() / 1e9);
    }
}
