package io.postern.gateway;

import io.postern.key.StaticKeyPair;
import io.postern.spi.crypto.X25519;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The configuration {@code postern up} writes on first run: a fresh private key, port
 * {@value NodeConfig#DEFAULT_PORT}, open admission, the echo handler and the default session policy.
 * The file holds a private key, so it is created with mode 0600 (owner read/write only), as
 * {@code wg-quick} expects of its files.
 */
final class FirstRunConfig {
    /** rw------- */
    static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    /**
     * The plugins the generated file names, by configuration key, in the file's order: the one source
     * for the file and for {@code postern policies}' marks (which says where the file departs from the
     * defaults: open admission, so that a first client gets in without editing anything).
     */
    static final Map<String, String> PLUGINS = plugins();

    private FirstRunConfig() {}

    private static Map<String, String> plugins() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("Admission", "open");
        m.put("Handler", NodeConfig.DEFAULT_HANDLER);
        m.put("SessionPolicy", NodeConfig.DEFAULT_SESSION_POLICY);
        m.put("CryptoProvider", NodeConfig.DEFAULT_CRYPTO_PROVIDER);
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * Writes a fresh configuration to {@code file} unless it exists (creating its directory).
     *
     * @return the public key of the new identity, or null when the file already existed
     */
    static String createIfMissing(Path file, X25519 x25519) throws IOException {
        if (Files.exists(file)) {
            return null;
        }
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        StaticKeyPair identity = x25519.generateKeyPair();
        String text = """
                # Postern gateway configuration (wg-quick format), generated on first run.
                # This gateway's public key: %s
                # Give it to peers as their [Peer] PublicKey. Keep this file secret: it holds the private key.
                [Interface]
                PrivateKey = %s
                ListenPort = %d
                # Any key that completes the handshake gets in; use 'allowlist' and [Peer] sections to restrict.
                Admission = %s
                Handler = %s
                SessionPolicy = %s
                CryptoProvider = %s
                """.formatted(identity.publicKey().toBase64(), identity.privateKey().toBase64(), NodeConfig.DEFAULT_PORT,
                PLUGINS.get("Admission"), PLUGINS.get("Handler"), PLUGINS.get("SessionPolicy"), PLUGINS.get("CryptoProvider"));
        identity.privateKey().destroy();
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (FileAlreadyExistsException raced) {
            return null; // another process wrote it first: use theirs
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return identity.publicKey().toBase64();
    }

    /** @return whether group or others may read the file (a private key should not be) */
    static boolean readableByOthers(Path file) {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            return p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
