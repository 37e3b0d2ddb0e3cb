package org.example.pinnedkeys;

import io.postern.key.PublicKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The pin file: which identities are pinned, and which key replacements are approved. One entry a
 * line; {@code #} starts a comment; keys in base64 as {@code wg pubkey} prints them:
 *
 * <pre>
 * # a pinned identity: it may replace its key only with an approved one
 * pin  hK3m...=
 * # an approved replacement: OLD may come back as NEW
 * hK3m...= -&gt; 9fQa...=
 * </pre>
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
     * Reads and parses {@code file}.
     *
     * @throws IOException              when it cannot be read
     * @throws IllegalArgumentException naming the file and line of the first bad entry
     */
    public static PinFile read(Path file) throws IOException {
        return parse(file.toString(), Files.readAllLines(file));
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
