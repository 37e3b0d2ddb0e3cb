package io.postern.gateway.uapi;

import io.postern.net.Endpoint;
import io.postern.net.IpPrefix;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One {@code set=1} request, parsed and checked whole before anything is applied (wireguard-go
 * applies line by line and may stop halfway; a Postern device gets all or nothing). The keys and
 * their meaning are those of wireguard-go's {@code device/uapi.go}.
 *
 * @param privateKey   {@code private_key}: 32 bytes (all zero: none), or null when absent
 * @param listenPort   {@code listen_port}, or null
 * @param fwmark       {@code fwmark}, or null
 * @param replacePeers {@code replace_peers=true}: the peers not listed are removed, the listed ones
 *                     are configured from scratch
 * @param peers        the {@code public_key=} sections, in order
 */
public record UapiSet(byte[] privateKey, Integer listenPort, Long fwmark, boolean replacePeers, List<Peer> peers) {
    /** Longest request accepted, in lines (wg sends one line per allowed IP): bounded against a runaway client. */
    public static final int MAX_LINES = 1 << 20;

    public UapiSet {
        peers = List.copyOf(peers);
    }

    /**
     * One peer's section.
     *
     * @param publicKey         32 bytes
     * @param remove            {@code remove=true}: remove it (absent: nothing happens)
     * @param updateOnly        {@code update_only=true}: change it only if it exists
     * @param presharedKey      32 bytes (all zero: none), or null
     * @param endpoint          or null
     * @param keepaliveSeconds  {@code persistent_keepalive_interval} (0: off), or null
     * @param replaceAllowedIps {@code replace_allowed_ips=true}: the allowed IPs before it are dropped
     * @param allowedIps        {@code allowed_ip=[-]CIDR} lines after any replacement, in order
     * @param name              {@code postern_name}: Postern's extension (wg never sends it), the peer's name, or null
     */
    public record Peer(byte[] publicKey, boolean remove, boolean updateOnly, byte[] presharedKey, Endpoint endpoint,
                       Integer keepaliveSeconds, boolean replaceAllowedIps, List<AllowedIp> allowedIps, String name) {
        public Peer {
            Objects.requireNonNull(publicKey, "publicKey");
            allowedIps = List.copyOf(allowedIps);
        }
    }

    /**
     * One {@code allowed_ip} line.
     *
     * @param prefix the prefix, its host bits cleared (wireguard-go stores the network)
     * @param remove {@code allowed_ip=-CIDR}: remove it from the peer
     */
    public record AllowedIp(IpPrefix prefix, boolean remove) {}

    /**
     * Parses the lines after {@code set=1}, up to (not including) the empty line.
     *
     * @throws UapiException EPROTO for a line without '=', EINVAL for a bad key or value (naming it,
     *                       never quoting key material)
     */
    public static UapiSet parse(List<String> lines) throws UapiException {
        byte[] privateKey = null;
        Integer listenPort = null;
        Long fwmark = null;
        boolean replacePeers = false;
        List<Peer> peers = new ArrayList<>();
        PeerReader peer = null;
        for (String line : lines) {
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new UapiException(UapiException.EPROTO, "failed to parse line '" + abbreviate(line) + "'");
            }
            String key = line.substring(0, eq);
            String value = line.substring(eq + 1);
            if (key.equals("public_key")) {
                if (peer != null) {
                    peers.add(peer.done());
                }
                peer = new PeerReader(HexKey.decode(value, "public_key"));
            } else if (peer == null) {
                switch (key) {
                    case "private_key" -> privateKey = HexKey.decode(value, "private_key");
                    case "listen_port" -> listenPort = (int) number(key, value, 0xffff);
                    case "fwmark" -> fwmark = number(key, value, 0xffffffffL);
                    case "replace_peers" -> replacePeers = isTrue(key, value);
                    default -> throw new UapiException(UapiException.EINVAL, "invalid UAPI device key: " + abbreviate(key));
                }
            } else {
                peer.read(key, value);
            }
        }
        if (peer != null) {
            peers.add(peer.done());
        }
        return new UapiSet(privateKey, listenPort, fwmark, replacePeers, peers);
    }

    private static final class PeerReader {
        final byte[] publicKey;
        boolean remove;
        boolean updateOnly;
        byte[] presharedKey;
        Endpoint endpoint;
        Integer keepalive;
        boolean replaceAllowedIps;
        final List<AllowedIp> allowedIps = new ArrayList<>();
        String name;

        PeerReader(byte[] publicKey) {
            this.publicKey = publicKey;
        }

        void read(String key, String value) throws UapiException {
            switch (key) {
                case "update_only" -> updateOnly = isTrue(key, value);
                case "remove" -> remove = isTrue(key, value);
                case "preshared_key" -> presharedKey = HexKey.decode(value, "preshared_key");
                case "endpoint" -> {
                    try {
                        endpoint = Endpoint.parse(value);
                    } catch (IllegalArgumentException e) {
                        throw new UapiException(UapiException.EINVAL, "failed to set endpoint: " + e.getMessage());
                    }
                }
                case "persistent_keepalive_interval" -> keepalive = (int) number(key, value, 0xffff);
                case "replace_allowed_ips" -> {
                    isTrue(key, value);
                    replaceAllowedIps = true;
                    allowedIps.clear(); // lines before it are replaced too, as in wireguard-go
                }
                case "allowed_ip" -> {
                    boolean minus = value.startsWith("-");
                    String cidr = minus ? value.substring(1) : value;
                    try {
                        allowedIps.add(new AllowedIp(IpPrefix.parse(cidr).network(), minus));
                    } catch (IllegalArgumentException e) {
                        throw new UapiException(UapiException.EINVAL, "failed to set allowed ip: " + e.getMessage());
                    }
                }
                case "postern_name" -> {
                    if (value.isEmpty() || value.length() > 64) {
                        throw new UapiException(UapiException.EINVAL, "postern_name: 1-64 characters");
                    }
                    name = value;
                }
                case "protocol_version" -> {
                    if (!value.equals("1")) {
                        throw new UapiException(UapiException.EINVAL, "invalid protocol version: " + abbreviate(value));
                    }
                }
                default -> throw new UapiException(UapiException.EINVAL, "invalid UAPI peer key: " + abbreviate(key));
            }
        }

        Peer done() {
            return new Peer(publicKey, remove, updateOnly, presharedKey, endpoint, keepalive, replaceAllowedIps, allowedIps, name);
        }
    }

    private static boolean isTrue(String key, String value) throws UapiException {
        if (!value.equals("true")) {
            throw new UapiException(UapiException.EINVAL, "failed to set " + key + ", invalid value: " + abbreviate(value));
        }
        return true;
    }

    private static long number(String key, String value, long max) throws UapiException {
        if (value.isEmpty() || value.length() > 10 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new UapiException(UapiException.EINVAL, "failed to parse " + key + ": '" + abbreviate(value) + "'");
        }
        long n = Long.parseLong(value);
        if (n > max) {
            throw new UapiException(UapiException.EINVAL, key + " " + n + " is above " + max);
        }
        return n;
    }

    static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
