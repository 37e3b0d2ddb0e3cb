package io.postern.gateway;

import io.postern.engine.PeerConfig;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code postern syncconf [NAME] FILE}: makes the running gateway's configured peers those of
 * {@code FILE}, like {@code wg syncconf}, without disturbing the others: new peers are added, peers
 * no longer listed removed (their sessions end), changed ones updated in place (their sessions go
 * on), unchanged ones left alone; peers admitted by open admission are left alone too. FILE may be
 * {@code -} (standard input), a pipe ({@code <(wg-quick strip wg0.conf)}) or hold only {@code [Peer]}
 * sections; host names in {@code Endpoint} are resolved now. Its {@code [Interface]} is checked,
 * then ignored: interface changes need a restart.
 */
@Command(mixinStandardHelpOptions = true, name = "syncconf", description = "Apply FILE's [Peer] sections to the running gateway (like 'wg syncconf'): "
        + "add new peers, remove gone ones, update changed ones in place; unaffected sessions go on. "
        + "FILE may be '-' or a pipe. [Interface] changes need a restart.")
final class SyncconfCommand implements Callable<Integer> {
    @ParentCommand
    PosternCommand parent;

    @Mixin
    GatewayConnection gateway;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..2", paramLabel = "[NAME] FILE",
            description = "Optional interface name (default: the gateway of --data-dir), then a wg-quick style file or '-'.")
    List<String> words = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        if (words.size() == 2 && !GatewayConnection.isInterface(words.getFirst())) {
            throw new CommandLine.ParameterException(spec.commandLine(), "'" + words.getFirst() + "' is not an interface name");
        }
        String name = words.size() == 2 ? words.getFirst() : null;
        String file = words.getLast();
        List<PeerConfig> peers = WgQuickConfigParser.parsePeers(file, read(file));

        Map<String, Map<String, List<String>>> running = UapiLines.split(gateway.get(parent.env, name));
        List<String> lines = new ArrayList<>();
        Set<String> wanted = new HashSet<>();
        int added = 0;
        int updated = 0;
        int unchanged = 0;
        for (PeerConfig p : peers) {
            String key = p.publicKey().toBase64();
            wanted.add(key);
            Map<String, List<String>> now = running.get(key);
            if (now == null) {
                added++;
            } else if (UapiLines.sameAs(p, now)) {
                unchanged++;
            } else {
                updated++;
            }
            lines.addAll(UapiLines.completePeer(p));
        }
        int removed = 0;
        for (Map.Entry<String, Map<String, List<String>>> e : running.entrySet()) {
            boolean admitted = e.getValue().getOrDefault("postern_configured", List.of()).contains("false");
            if (!e.getKey().isEmpty() && !wanted.contains(e.getKey()) && !admitted) {
                lines.add(UapiLines.publicKey(io.postern.key.PublicKey.fromBase64(e.getKey())));
                lines.add("remove=true");
                removed++;
            }
        }
        if (!lines.isEmpty()) {
            gateway.set(parent.env, name, lines);
        }
        parent.out.println("peers: " + added + " added, " + removed + " removed, " + updated + " updated, " + unchanged
                + " unchanged");
        return 0;
    }

    /** Reads a file, standard input ("-") or a pipe such as /dev/fd/63 (which is not a regular file). */
    private List<String> read(String file) throws IOException {
        if (file.equals("-")) {
            return new BufferedReader(new InputStreamReader(parent.in, StandardCharsets.UTF_8)).lines().toList();
        }
        Path path = Path.of(file);
        if (!Files.exists(path)) {
            throw new ConfigException(file, 0, null, "no such file");
        }
        if (Files.isDirectory(path)) {
            throw new ConfigException(file, 0, null, "is a directory");
        }
        return Files.readAllLines(path, StandardCharsets.UTF_8);
    }
}
