package io.postern.gateway;

import io.postern.engine.PeerConfig;
import io.postern.gateway.uapi.AddressText;
import io.postern.gateway.uapi.HexKey;
import io.postern.key.PresharedKey;
import io.postern.key.PublicKey;
import io.postern.net.IpPrefix;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The CLI's side of the UAPI: {@code set} lines from configurations, and a {@code get} answer split per peer. */
final class UapiLines {
    private UapiLines() {}

    /** @return {@code public_key=HEX} */
    static String publicKey(PublicKey key) {
        return "public_key=" + HexKey.encode(key.toBytes());
    }

    /** @return the lines that make a peer exactly {@code c} (every field sent, allowed IPs replaced) */
    static List<String> completePeer(PeerConfig c) {
        List<String> out = new ArrayList<>();
        out.add(publicKey(c.publicKey()));
        byte[] psk = c.presharedKey().toBytes();
        out.add("preshared_key=" + HexKey.encode(psk));
        java.util.Arrays.fill(psk, (byte) 0);
        if (c.endpoint() != null) {
            out.add("endpoint=" + AddressText.of(c.endpoint()));
        }
        out.add("persistent_keepalive_interval=" + c.persistentKeepalive().toSeconds());
        out.add("replace_allowed_ips=true");
        for (IpPrefix ip : c.allowedIps()) {
            out.add("allowed_ip=" + AddressText.of(ip.network()));
        }
        return out;
    }

    /** @return whether {@code c} is what the running peer {@code running} is configured as (its session would be left alone) */
    static boolean sameAs(PeerConfig c, Map<String, List<String>> running) {
        byte[] psk = c.presharedKey().toBytes();
        boolean same = List.of(HexKey.encode(psk)).equals(running.getOrDefault("preshared_key", List.of(HexKey.encode(PresharedKey.NONE.toBytes()))))
                && List.of(Long.toString(c.persistentKeepalive().toSeconds())).equals(running.get("persistent_keepalive_interval"))
                && c.allowedIps().stream().map(ip -> AddressText.of(ip.network())).toList()
                        .equals(running.getOrDefault("allowed_ip", List.of()))
                && (c.endpoint() == null || List.of(AddressText.of(c.endpoint())).equals(running.get("postern_configured_endpoint")));
        java.util.Arrays.fill(psk, (byte) 0);
        return same;
    }

    /**
     * @return the {@code get} answer's interface lines under key "" and each peer's lines under its
     *         base64 key, each as key → values in order
     */
    static Map<String, Map<String, List<String>>> split(List<String> get) {
        Map<String, Map<String, List<String>>> out = new LinkedHashMap<>();
        Map<String, List<String>> current = new LinkedHashMap<>();
        out.put("", current);
        for (String line : get) {
            int eq = line.indexOf('=');
            String k = eq < 0 ? line : line.substring(0, eq);
            String v = eq < 0 ? "" : line.substring(eq + 1);
            if (k.equals("public_key")) {
                current = new LinkedHashMap<>();
                out.put(io.postern.gateway.admin.GatewayStatus.base64(v), current);
            }
            current.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }
}
