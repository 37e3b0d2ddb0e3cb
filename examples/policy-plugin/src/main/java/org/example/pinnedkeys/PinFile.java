package org.example.pinnedkeys;

import io.postern.key.PublicKey;
import io.postern.spi.PluginConfig;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which identities are pinned, and which key replacements are approved: read from the plugin's
 * section of the gateway's configuration ({@link #from}), keys in base64 as {@code wg pubkey} prints them:
 *
 * <pre>
 * [Plugin.pinned-keys]
 * # pinned identities: each may replace its key only with an approved one
 * Pin = hK3m...=, zo06...=
 * # an approved replacement: OLD may come back as NEW (one per line, or comma-separated)
 * Approve = hK3m...= -&gt; 9fQa...=
 * </pre>
 *
 * <p>The same entries can also be parsed from lines of text ({@link #parse}: {@code pin KEY} and
 * {@code OLD -> NEW}), which the tests use.
 *
 * @param pinned    the pinned identities
 * @param approvals the approved replacements
 */
public record PinFile(Set<PublicKey> pinned, Set<Approval> approvals) {

    /**
     * One approved key replacement.
     *
     * @param oldKey the identity being replaced
     * @param newKey the key it may come back with
     */
    public record Approval(PublicKey oldKey, PublicKey newKey) {}

    /** Copies the sets. */
    public PinFile {
        pinned = Set.copyOf(pinned);
        approvals = Set.copyOf(approvals);
    }

    /**
     * Reads the {@code [Plugin.pinned-keys]} section: {@code Pin} (at least one key) and {@code Approve}.
     *
     * @throws io.postern.spi.PluginConfigException naming file, line and key of the first bad setting
     */
    public static PinFile from(PluginConfig config) {
        config.requireOnly("Pin", "Approve");
        List<PublicKey> pins = config.publicKeys("Pin");
        if (pins.isEmpty()) {
            throw config.invalid("Pin", "is required: pinned-keys needs at least one pinned identity "
                    + "(Pin = <base64 public key>, comma-separated or one line each)");
        }
        Set<Approval> approvals = new HashSet<>();
        for (PluginConfig.Setting s : config.settings("Approve")) {
            for (String entry : s.value().split(",", -1)) {
                String[] parts = entry.split("->", -1);
                if (parts.length != 2) {
                    throw config.invalid(s, "'" + entry.strip() + "' is not 'OLD -> NEW'");
                }
                approvals.add(new Approval(config.parse(s, parts[0].strip(), PublicKey::fromBase64),
                        config.parse(s, parts[1].strip(), PublicKey::fromBase64)));
            }
        }
        return new PinFile(Set.copyOf(pins), approvals);
    }

    /**
     * Parses the lines of a pin file.
     *
     * @param source what to call the file in error messages
     * @throws IllegalArgumentException naming the line of the first bad entry
     */
    public static PinFile parse(String source, List<String> lines) {
        Set<PublicKey> pinned = new HashSet<>();
        Set<Approval> approvals = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            String entry = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (entry.isEmpty()) {
                continue;
            }
            try {
                if (entry.startsWith("pin ") || entry.startsWith("pin\t")) {
                    pinned.add(PublicKey.fromBase64(entry.substring(4).strip()));
                } else if (entry.contains("->")) {
                    String[] parts = entry.split("->", -1);
                    if (parts.length != 2) {
                        throw new IllegalArgumentException("expected 'OLD -> NEW'");
                    }
                    approvals.add(new Approval(PublicKey.fromBase64(parts[0].strip()), PublicKey.fromBase64(parts[1].strip())));
                } else {
                    throw new IllegalArgumentException("expected 'pin KEY' or 'OLD -> NEW'");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return new PinFile(pinned, approvals);
    }

    /** @return whether {@code key} is pinned */
    public boolean isPinned(PublicKey key) {
        return pinned.contains(key);
    }

    /** @return whether {@code oldKey} may be replaced by {@code newKey} */
    public boolean approves(PublicKey oldKey, PublicKey newKey) {
        return approvals.contains(new Approval(oldKey, newKey));
    }
}
