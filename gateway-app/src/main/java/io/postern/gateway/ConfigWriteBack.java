package io.postern.gateway;

import io.postern.engine.PeerConfig;
import io.postern.gateway.uapi.AddressText;
import io.postern.key.PublicKey;
import io.postern.net.IpPrefix;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * wg-quick's {@code SaveConfig = true}: the running peers written back into the configuration file.
 * wg-quick does it once, at {@code down}; Postern does it after every change made through {@code set}
 * or the userspace API ({@code wg set}, {@code syncconf}, {@code peer add}), so a crash loses nothing.
 * The file's {@code [Interface]} section stays as it is (comments, Postern's keys, wg-quick's keys and
 * hooks); the {@code [Peer]} sections are rewritten from the configured peers, each with its name as
 * the first comment. Written through a 0600 temporary file and an atomic rename.
 */
final class ConfigWriteBack {
    private final Path file;

    ConfigWriteBack(Path file) {
        this.file = file;
    }

    /** @return the file written */
    Path file() {
        return file;
    }

    /** Rewrites the file's peers as {@code peers}, named by {@code names}. */
    void save(Collection<PeerConfig> peers, Map<PublicKey, String> names) throws IOException {
        PeerCommand.replace(file, text(Files.readAllLines(file, StandardCharsets.UTF_8), peers, names));
    }

    /** @return {@code original}'s {@code [Interface]} section followed by a {@code [Peer]} section per peer */
    static String text(List<String> original, Collection<PeerConfig> peers, Map<PublicKey, String> names) {
        List<String> head = new ArrayList<>();
        for (String line : original) {
            if (line.strip().toLowerCase(Locale.ROOT).startsWith("[peer")) {
                break;
            }
            head.add(line);
        }
        // a comment right before the first [Peer] names that peer (PiVPN's "### begin NAME ###"): it goes with the peers
        while (!head.isEmpty() && (head.getLast().isBlank() || head.getLast().strip().startsWith("#"))) {
            head.removeLast();
        }
        StringBuilder out = new StringBuilder();
        head.forEach(l -> out.append(l).append('\n'));
        for (PeerConfig p : peers) {
            out.append("\n[Peer]\n");
            String name = names.get(p.publicKey());
            if (name != null) {
                out.append("# ").append(name).append('\n');
            }
            out.append("PublicKey = ").append(p.publicKey().toBase64()).append('\n');
            byte[] psk = p.presharedKey().toBytes();
            if (!p.presharedKey().equals(io.postern.key.PresharedKey.NONE)) {
                out.append("PresharedKey = ").append(Base64.getEncoder().encodeToString(psk)).append('\n');
            }
            java.util.Arrays.fill(psk, (byte) 0);
            if (!p.allowedIps().isEmpty()) {
                out.append("AllowedIPs = ").append(String.join(", ", p.allowedIps().stream().map(ConfigWriteBack::cidr).toList()))
                        .append('\n');
            }
            if (p.endpoint() != null) {
                out.append("Endpoint = ").append(AddressText.of(p.endpoint())).append('\n');
            }
            if (!p.persistentKeepalive().isZero()) {
                out.append("PersistentKeepalive = ").append(p.persistentKeepalive().toSeconds()).append('\n');
            }
        }
        return out.toString();
    }

    private static String cidr(IpPrefix ip) {
        return AddressText.of(ip.network());
    }
}
