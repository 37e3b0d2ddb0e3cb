package io.postern.gateway;

import io.postern.gateway.admin.GatewayStatus;
import io.postern.gateway.admin.GatewayStatus.PeerView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Formats a {@link GatewayStatus} as {@code wg show} does (wg(8); wireguard-tools {@code show.c}
 * for the "1 minute, 12 seconds ago" and "1.21 KiB" forms), with Postern's own lines per peer:
 * the session state and the last policy decision. Times are relative to the gateway's clock.
 */
final class StatusText {
    private StatusText() {}

    /** @return the interface section and every peer's */
    static String format(GatewayStatus s) {
        return format(s, "postern");
    }

    /** What an operator should know about an ip handler drop. */
    private static final java.util.Map<String, String> HINTS = java.util.Map.of(
            "local_not_handled", " (to the gateway's own address: only ping is answered)",
            "no_route", " (to an address no peer's AllowedIPs hold)",
            "source_not_allowed", " (from outside the sender's AllowedIPs)");

    /** @return the interface section, headed with its name, and every peer's */
    static String format(GatewayStatus s, String name) {
        StringBuilder b = new StringBuilder();
        b.append("interface: ").append(name).append('\n');
        b.append("  public key: ").append(s.publicKey()).append('\n');
        b.append("  private key: (hidden)\n");
        b.append("  listening port: ").append(s.listenPort()).append('\n');
        b.append("  policy: ").append(s.policy()).append('\n');
        if (!s.ipDropped().isEmpty()) {
            b.append("  ip handler dropped: ").append(s.ipDropped().entrySet().stream()
                    .map(e -> e.getValue() + " " + e.getKey().replace('_', ' ') + HINTS.getOrDefault(e.getKey(), ""))
                    .collect(java.util.stream.Collectors.joining(", "))).append('\n');
        }
        for (PeerView p : s.peers()) {
            b.append('\n').append(peer(p, s.now()));
        }
        if (!s.refused().isEmpty()) {
            b.append("\nrecently refused keys (not admitted: add a [Peer], or check the client's key):\n");
            for (GatewayStatus.Refused r : s.refused()) {
                b.append("  ").append(r.publicKey()).append(" from ").append(r.endpoint()).append(", ")
                        .append(ago(r.at(), s.now())).append(r.count() > 1 ? " (" + r.count() + " times)" : "").append('\n');
            }
        }
        return b.toString();
    }

    /** @return one peer's section */
    static String peer(PeerView p, Instant now) {
        StringBuilder b = new StringBuilder();
        b.append("peer: ").append(p.publicKey()).append('\n');
        if (p.name() != null) {
            b.append("  name: ").append(p.name()).append('\n');
        }
        if (p.endpoint() != null) {
            b.append("  endpoint: ").append(p.endpoint()).append('\n');
        }
        b.append("  allowed ips: ").append(p.allowedIps().isEmpty() ? "(none)" : String.join(", ", p.allowedIps()))
                .append('\n');
        if (p.lastHandshake() != null) {
            b.append("  latest handshake: ").append(ago(p.lastHandshake(), now)).append('\n');
        }
        if (p.rxBytes() != 0 || p.txBytes() != 0) {
            b.append("  transfer: ").append(bytes(p.rxBytes())).append(" received, ").append(bytes(p.txBytes()))
                    .append(" sent\n");
        }
        if (!p.persistentKeepalive().isZero()) {
            b.append("  persistent keepalive: every ").append(duration(p.persistentKeepalive())).append('\n');
        }
        b.append("  session: ").append(p.state().toLowerCase(Locale.ROOT).replace('_', ' '))
                .append(p.configured() ? "" : " (admitted by open admission)").append('\n');
        if (p.policyDecision() != null) {
            b.append("  policy decision: ").append(p.policyDecision());
            if (p.policyDecisionAt() != null) {
                b.append(", ").append(ago(p.policyDecisionAt(), now));
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** @return "1 minute, 12 seconds ago", or "Now" */
    static String ago(Instant then, Instant now) {
        Duration d = Duration.between(then, now);
        if (d.toSeconds() <= 0) {
            return "Now";
        }
        return duration(d) + " ago";
    }

    /** @return "2 days, 1 hour, 12 seconds": years, days, hours, minutes, seconds, zeros left out */
    static String duration(Duration d) {
        long s = d.toSeconds();
        long[] amounts = {s / (365 * 86400L), s % (365 * 86400L) / 86400, s % 86400 / 3600, s % 3600 / 60, s % 60};
        String[] units = {"year", "day", "hour", "minute", "second"};
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < amounts.length; i++) {
            if (amounts[i] != 0) {
                parts.add(amounts[i] + " " + units[i] + (amounts[i] == 1 ? "" : "s"));
            }
        }
        return parts.isEmpty() ? "0 seconds" : String.join(", ", parts);
    }

    /** @return "92 B", "1.21 KiB", "3.45 MiB"… as wg prints transfer */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int i = -1;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.2f %s", v, units[i]);
    }
}
