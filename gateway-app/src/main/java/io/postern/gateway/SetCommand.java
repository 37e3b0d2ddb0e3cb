package io.postern.gateway;

import io.postern.gateway.admin.AdminMessage;
import io.postern.gateway.admin.PeerUpdate;
import io.postern.key.PresharedKey;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.net.IpPrefix;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code postern set PEER [remove] [endpoint IP:PORT] [allowed-ips CIDR,…] [persistent-keepalive N|off]
 * [preshared-key FILE]}: changes one peer of the running gateway, like {@code wg set … peer …}. A
 * new key adds the peer; a changed peer keeps its session; {@code remove} ends its session.
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

    @Parameters(index = "0", paramLabel = "PEER", converter = CliConverters.PublicKeys.class,
            description = "The peer's base64 public key.")
    PublicKey peer;

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
        PeerUpdate update;
        if (remove) {
            if (endpoint != null || allowedIps != null || keepalive != null || presharedKeyFile != null) {
                throw usage("'remove' takes no other setting");
            }
            update = PeerUpdate.removal(peer);
        } else {
            if (endpoint == null && allowedIps == null && keepalive == null && presharedKeyFile == null) {
                throw usage("nothing to set: give remove, endpoint, allowed-ips, persistent-keepalive or preshared-key");
            }
            update = new PeerUpdate(peer, false, endpoint, allowedIps == null ? null : prefixes(allowedIps),
                    keepalive == null ? null : keepalive(keepalive),
                    presharedKeyFile == null ? null : presharedKey(presharedKeyFile));
        }
        AdminMessage request = AdminMessage.request("set");
        update.writeTo(request);
        gateway.call(parent.env, request);
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
