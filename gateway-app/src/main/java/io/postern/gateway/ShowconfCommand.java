package io.postern.gateway;

import io.postern.gateway.uapi.HexKey;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code postern showconf [NAME]}: the running interface's configuration as {@code wg showconf}
 * prints it (keys, port, peers; no wg-quick or Postern keys), e.g. to save {@code set} changes into a file.
 */
@Command(mixinStandardHelpOptions = true, name = "showconf", description = "Print the running interface's configuration "
        + "as 'wg showconf' does (it holds the private key).")
final class ShowconfCommand implements Callable<Integer> {
    @ParentCommand
    PosternCommand parent;

    @Mixin
    GatewayConnection gateway;

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "Interface name (default: the gateway of --data-dir).")
    String name;

    @Override
    public Integer call() throws IOException {
        if (name != null && !GatewayConnection.isInterface(name)) {
            throw new IllegalArgumentException("'" + name + "' is not an interface name");
        }
        parent.out.print(format(UapiLines.split(gateway.get(parent.env, name))));
        parent.out.flush();
        return 0;
    }

    /** @return wg showconf's text for a split {@code get} answer */
    static String format(Map<String, Map<String, List<String>>> device) {
        StringBuilder b = new StringBuilder("[Interface]\n");
        Map<String, List<String>> itf = device.get("");
        itf.getOrDefault("listen_port", List.of()).forEach(v -> b.append("ListenPort = ").append(v).append('\n'));
        itf.getOrDefault("fwmark", List.of()).forEach(v -> b.append("FwMark = 0x").append(Long.toHexString(Long.parseLong(v))).append('\n'));
        itf.getOrDefault("private_key", List.of()).forEach(v -> b.append("PrivateKey = ").append(base64(v)).append('\n'));
        for (Map.Entry<String, Map<String, List<String>>> e : device.entrySet()) {
            if (e.getKey().isEmpty()) {
                continue;
            }
            Map<String, List<String>> p = e.getValue();
            b.append("\n[Peer]\nPublicKey = ").append(e.getKey()).append('\n');
            p.getOrDefault("preshared_key", List.of()).stream().filter(v -> !HexKey.isZero(HexFormat.of().parseHex(v)))
                    .forEach(v -> b.append("PresharedKey = ").append(base64(v)).append('\n'));
            List<String> ips = p.getOrDefault("allowed_ip", List.of());
            if (!ips.isEmpty()) {
                b.append("AllowedIPs = ").append(String.join(", ", ips)).append('\n');
            }
            p.getOrDefault("endpoint", List.of()).forEach(v -> b.append("Endpoint = ").append(v).append('\n'));
            p.getOrDefault("persistent_keepalive_interval", List.of()).stream().filter(v -> !v.equals("0"))
                    .forEach(v -> b.append("PersistentKeepalive = ").append(v).append('\n'));
        }
        return b.toString();
    }

    private static String base64(String hex) {
        return io.postern.gateway.admin.GatewayStatus.base64(hex);
    }
}
