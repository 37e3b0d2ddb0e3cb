package io.postern.gateway;

import io.postern.gateway.admin.GatewayStatus;
import io.postern.gateway.admin.GatewayStatus.PeerView;
import io.postern.key.PublicKey;
import java.io.IOException;
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
 * {@code postern show [NAME|all] [PEER] [--json]}: a running gateway's interface and peers, like
 * {@code wg show}, with each peer's session state and last policy decision; read over WireGuard's
 * userspace API (the data directory's admin socket, or {@code NAME.sock}; {@code all}: every interface
 * there, wireguard-go's too).
 */
@Command(mixinStandardHelpOptions = true, name = "show", description = "Show a running gateway's interface and peers (like 'wg show'), "
        + "with each peer's session state and last policy decision.")
final class ShowCommand implements Callable<Integer> {
    @ParentCommand
    PosternCommand parent;

    @Mixin
    GatewayConnection gateway;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..2", paramLabel = "NAME|all|PEER",
            description = "An interface name (default: the gateway of --data-dir), 'all', and/or a peer's base64 public key.")
    List<String> words = new ArrayList<>();

    @Option(names = "--json", description = "Print JSON for scripts instead of text.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        String name = null;
        PublicKey peer = null;
        for (String w : words) {
            if (name == null && peer == null && (w.equals("all") || GatewayConnection.isInterface(w))) {
                name = w;
            } else if (peer == null) {
                try {
                    peer = new CliConverters.PublicKeys().convert(w);
                } catch (CommandLine.TypeConversionException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
                }
            } else {
                throw new CommandLine.ParameterException(spec.commandLine(), "unexpected '" + w + "'");
            }
        }
        List<String> names = "all".equals(name) ? gateway.interfaces(parent.env) : java.util.Collections.singletonList(name);
        boolean first = true;
        for (String n : names) {
            GatewayStatus status = GatewayStatus.fromUapi(gateway.get(parent.env, n));
            List<PeerView> peers = status.peers();
            if (peer != null) {
                String wanted = peer.toBase64();
                peers = peers.stream().filter(p -> p.publicKey().equals(wanted)).toList();
                if (peers.isEmpty() && !"all".equals(name)) {
                    throw new IllegalArgumentException("no peer " + wanted + " on the running gateway");
                }
            }
            if (!first && !json) {
                parent.out.println();
            }
            first = false;
            String label = n == null ? "postern" : n;
            if (json) {
                parent.out.print(StatusJson.format(status, peers));
            } else if (peer != null) {
                peers.forEach(p -> parent.out.print(StatusText.peer(p, status.now())));
            } else {
                parent.out.print(StatusText.format(status, label));
            }
        }
        parent.out.flush();
        return 0;
    }
}
