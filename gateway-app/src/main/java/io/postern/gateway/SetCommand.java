package io.postern.gateway;

import io.postern.gateway.uapi.AddressText;
import io.postern.gateway.uapi.HexKey;
import io.postern.key.PresharedKey;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.net.IpPrefix;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code postern set [NAME] [peer] PEER [remove] [endpoint IP:PORT] [allowed-ips CIDR,…]
 * [persistent-keepalive N|off] [preshared-key FILE]}: changes one peer of a running gateway over
 * WireGuard's userspace API, like {@code wg set NAME peer …}. A new key adds the peer; a changed
 * peer keeps its session; {@code remove} ends its session (and succeeds when the peer is not there).
 */
@Command(mixinStandardHelpOptions = true, name = "set", description = "Add, change or remove a peer of the running gateway (like 'wg set'): "
        + "a changed peer keeps its session, a removed one loses it.")
final class SetCommand implements Callable<Integer> {
    @ParentCommand
    PosternCommand parent;

    @Mixin
    GatewayConnection gateway;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..3", paramLabel = "[NAME] [peer] PEER",
            description = "Optional interface name (default: the gateway of --data-dir), the word 'peer' (as wg), "
                    + "and the peer's base64 public key.")
    List<String> words = new ArrayList<>();

    @Option(names = {"remove", "--remove"}, description = "Remove the peer (its session ends).")
    boolean remove;

    @Option(names = {"endpoint", "--endpoint"}, paramLabel = "IP:PORT", converter = CliConverters.Endpoints.class,
            description = "Where to reach the peer.")
    Endpoint endpoint;

    @Option(names = {"allowed-ips", "--allowed-ips"}, paramLabel = "CIDR[,CIDR…]",
            description = "Replace the peer's AllowedIPs (\"\" for none).")
    String allowedIps;

    @Option(names = {"persistent-keepalive", "--persistent-keepalive"}, paramLabel = "SECONDS|off",
            description = "Send a keepalive this often (0 or off: never).")
    String keepalive;

    @Option(names = {"preshared-key", "--preshared-key"}, paramLabel = "FILE",
            description = "Read the peer's base64 preshared key from FILE (/dev/null: none).")
    Path presharedKeyFile;

    @Override
    public Integer call() throws IOException {
        String name = null;
        List<String> rest = new ArrayList<>(words);
        if (rest.size() > 1 && GatewayConnection.isInterface(rest.getFirst()) && !rest.getFirst().equals("peer")) {
            name = rest.removeFirst();
        }
        if (rest.size() > 1 && rest.getFirst().equals("peer")) {
            rest.removeFirst();
        }
        if (rest.size() != 1) {
            throw usage("expected [NAME] [peer] PEER, got '" + String.join(" ", words) + "'");
        }
        PublicKey peer;
        try {
            peer = new CliConverters.PublicKeys().convert(rest.getFirst());
        } catch (CommandLine.TypeConversionException e) {
            throw usage(e.getMessage());
        }
        List<String> lines = new ArrayList<>();
        lines.add(UapiLines.publicKey(peer));
        if (remove) {
            if (endpoint != null || allowedIps != null || keepalive != null || presharedKeyFile != null) {
                throw usage("'remove' takes no other setting");
            }
            lines.add("remove=true"); // removing a peer that is not there succeeds, as with wg
        } else {
            if (endpoint == null && allowedIps == null && keepalive == null && presharedKeyFile == null) {
                throw usage("nothing to set: give remove, endpoint, allowed-ips, persistent-keepalive or preshared-key");
            }
            List<IpPrefix> ips = allowedIps == null ? null : prefixes(allowedIps);
            Duration every = keepalive == null ? null : keepalive(keepalive);
            if (presharedKeyFile != null) {
                byte[] psk = presharedKey(presharedKeyFile).toBytes();
                lines.add("preshared_key=" + HexKey.encode(psk));
                java.util.Arrays.fill(psk, (byte) 0);
            }
            if (endpoint != null) {
                lines.add("endpoint=" + AddressText.of(endpoint));
            }
            if (every != null) {
                lines.add("persistent_keepalive_interval=" + every.toSeconds());
            }
            if (ips != null) {
                lines.add("replace_allowed_ips=true");
                ips.forEach(ip -> lines.add("allowed_ip=" + AddressText.of(ip.network())));
            }
            String own = UapiLines.split(gateway.get(parent.env, name)).get("").getOrDefault("postern_public_key", List.of())
                    .stream().findFirst().orElse(null);
            if (peer.toBase64().equals(own)) {
                throw new IllegalArgumentException("peer " + own + " is this gateway's own key");
            }
        }
        gateway.set(parent.env, name, lines);
        return 0;
    }

    private List<IpPrefix> prefixes(String text) {
        try {
            return new CliConverters.Prefixes().convert(text);
        } catch (CommandLine.TypeConversionException e) {
            throw usage("allowed-ips: " + e.getMessage());
        }
    }

    private Duration keepalive(String text) {
        if (text.equalsIgnoreCase("off")) {
            return Duration.ZERO;
        }
        try {
            int s = Integer.parseInt(text);
            if (s >= 0 && s <= 65535) {
                return Duration.ofSeconds(s);
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw usage("persistent-keepalive: '" + text + "' is neither 'off' nor 0-65535 seconds");
    }

    private static PresharedKey presharedKey(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        if (text.isEmpty()) {
            return PresharedKey.NONE;
        }
        try {
            return PresharedKey.fromBase64(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": not a base64 preshared key", e); // never quote the key
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
