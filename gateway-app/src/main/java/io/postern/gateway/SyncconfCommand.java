package io.postern.gateway;

import io.postern.engine.PeerConfig;
import io.postern.gateway.admin.AdminMessage;
import io.postern.gateway.admin.PeerUpdate;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code postern syncconf FILE}: makes the running gateway's peers those of {@code FILE}, like
 * {@code wg syncconf}, without disturbing the others: new peers are added, peers no longer listed
 * removed (their sessions end), changed ones updated in place (their sessions go on), unchanged
 * ones left alone. The file is read and checked here; its {@code [Interface]} settings need a
 * restart to take effect.
 */
@Command(mixinStandardHelpOptions = true, name = "syncconf", description = "Apply FILE's [Peer] sections to the running gateway (like 'wg syncconf'): "
        + "add new peers, remove gone ones, update changed ones in place; unaffected sessions go on. "
        + "[Interface] changes need a restart.")
final class SyncconfCommand implements Callable<Integer> {
    @ParentCommand
    PosternCommand parent;

    @Mixin
    GatewayConnection gateway;

    @Parameters(index = "0", paramLabel = "FILE", description = "wg-quick style configuration file.")
    Path file;

    @Override
    public Integer call() throws IOException {
        NodeConfig config = NodeConfig.load(file);
        config.privateKey().destroy(); // only the peers are sent
        AdminMessage request = AdminMessage.request("syncconf");
        for (PeerConfig peer : config.peers()) {
            PeerUpdate.of(peer).writeTo(request);
        }
        AdminMessage r = gateway.call(parent.env, request);
        parent.out.println("peers: " + r.first("added").orElse("0") + " added, " + r.first("removed").orElse("0")
                + " removed, " + r.first("updated").orElse("0") + " updated, " + r.first("unchanged").orElse("0")
                + " unchanged");
        return 0;
    }
}
