package io.postern.gateway;

import io.postern.gateway.admin.AdminMessage;
import io.postern.gateway.admin.GatewayStatus;
import io.postern.gateway.admin.GatewayStatus.PeerView;
import io.postern.key.PublicKey;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code postern show [PEER] [--json]}: the running gateway's interface and peers, like
 * {@code wg show}, with each peer's session state and last policy decision; asks the gateway over
 * its admin socket.
 */
@Command(mixinStandardHelpOptions = true, name = "show", description = "Show the running gateway's interface and peers (like 'wg show'), "
        + "with each peer's session state and last policy decision.")
final class ShowCommand implements Callable<Integer> {
    @ParentCommand
    PosternCommand parent;

    @Mixin
    GatewayConnection gateway;

    @Parameters(arity = "0..1", paramLabel = "PEER", converter = CliConverters.PublicKeys.class,
            description = "Show only this peer (base64 public key).")
    PublicKey peer;

    @Option(names = "--json", description = "Print JSON for scripts instead of text.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        GatewayStatus status = GatewayStatus.fromMessage(gateway.call(parent.env, AdminMessage.request("get")));
        List<PeerView> peers = status.peers();
        if (peer != null) {
            peers = peers.stream().filter(p -> p.publicKey().equals(peer.toBase64())).toList();
            if (peers.isEmpty()) {
                throw new IllegalArgumentException("no peer " + peer.toBase64() + " on the running gateway");
            }
        }
        if (json) {
            parent.out.print(StatusJson.format(status, peers));
        } else if (peer != null) {
            parent.out.print(StatusText.peer(peers.getFirst(), status.now()));
        } else {
            parent.out.print(StatusText.format(status));
        }
        parent.out.flush();
        return 0;
    }
}
