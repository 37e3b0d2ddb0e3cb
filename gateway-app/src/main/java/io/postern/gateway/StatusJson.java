package io.postern.gateway;

import io.postern.gateway.admin.GatewayStatus;
import io.postern.gateway.admin.GatewayStatus.PeerView;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Formats a {@link GatewayStatus} as JSON for scripts ({@code postern show --json}): the interface
 * and the peers with the same fields as the text form, times as ISO-8601 instants plus seconds ago
 * (relative to the gateway's clock), sizes in bytes, absent values as {@code null}.
 */
final class StatusJson {
    private StatusJson() {}

    /** @return the whole status as one JSON object */
    static String format(GatewayStatus s, List<PeerView> peers) {
        StringBuilder b = new StringBuilder();
        b.append("{\n");
        b.append("  \"interface\": {\n");
        field(b, 4, "publicKey", str(s.publicKey()), true);
        field(b, 4, "listenPort", Integer.toString(s.listenPort()), true);
        field(b, 4, "listen", str(s.listenEndpoint()), true);
        field(b, 4, "policy", str(s.policy()), true);
        field(b, 4, "time", str(s.now().toString()), false);
        b.append("  },\n");
        b.append("  \"peers\": [");
        for (int i = 0; i < peers.size(); i++) {
            b.append(i == 0 ? "\n" : ",\n");
            peer(b, peers.get(i), s.now());
        }
        b.append(peers.isEmpty() ? "]\n" : "\n  ]\n");
        b.append("}\n");
        return b.toString();
    }

    private static void peer(StringBuilder b, PeerView p, Instant now) {
        b.append("    {\n");
        field(b, 6, "publicKey", str(p.publicKey()), true);
        field(b, 6, "endpoint", str(p.endpoint()), true);
        field(b, 6, "allowedIps", "[" + String.join(", ", p.allowedIps().stream().map(StatusJson::str).toList()) + "]", true);
        field(b, 6, "configured", Boolean.toString(p.configured()), true);
        field(b, 6, "session", str(p.state().toLowerCase(Locale.ROOT)), true);
        field(b, 6, "latestHandshake", p.lastHandshake() == null ? "null" : str(p.lastHandshake().toString()), true);
        field(b, 6, "latestHandshakeSecondsAgo", secondsAgo(p.lastHandshake(), now), true);
        field(b, 6, "rxBytes", Long.toString(p.rxBytes()), true);
        field(b, 6, "txBytes", Long.toString(p.txBytes()), true);
        field(b, 6, "persistentKeepaliveSeconds", Long.toString(p.persistentKeepalive().toSeconds()), true);
        field(b, 6, "policyDecision", str(p.policyDecision()), true);
        field(b, 6, "policyDecisionAt", p.policyDecisionAt() == null ? "null" : str(p.policyDecisionAt().toString()), true);
        field(b, 6, "policyDecisionSecondsAgo", secondsAgo(p.policyDecisionAt(), now), false);
        b.append("    }");
    }

    private static String secondsAgo(Instant then, Instant now) {
        return then == null ? "null" : Long.toString(Math.max(0, Duration.between(then, now).toSeconds()));
    }

    private static void field(StringBuilder b, int indent, String name, String json, boolean more) {
        b.append(" ".repeat(indent)).append(str(name)).append(": ").append(json).append(more ? ",\n" : "\n");
    }

    /** @return a JSON string literal, or {@code null} */
    static String str(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
