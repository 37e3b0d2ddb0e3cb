package io.postern.gateway;

import io.postern.key.PrivateKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code postern pubkey}: reads a base64 private key on stdin, prints its public key, like {@code wg pubkey}. */
@Command(mixinStandardHelpOptions = true, name = "pubkey", description = "Read a base64 private key on stdin, print its public key (like 'wg pubkey').")
final class PubkeyCommand implements Callable<Integer> {
    /** A key is 44 characters; allow a little whitespace, refuse to slurp a huge stream. */
    private static final int MAX_INPUT = 1024;

    @ParentCommand
    PosternCommand parent;

    @Option(names = "--crypto", paramLabel = "NAME", defaultValue = NodeConfig.DEFAULT_CRYPTO_PROVIDER,
            description = "CryptoProvider to derive with (default: ${DEFAULT-VALUE}).")
    String crypto;

    @Override
    public Integer call() throws IOException {
        byte[] input = parent.in.readNBytes(MAX_INPUT + 1);
        if (input.length > MAX_INPUT) {
            throw new IllegalArgumentException("stdin: expected one base64 private key, got more than " + MAX_INPUT + " bytes");
        }
        String text = new String(input, StandardCharsets.US_ASCII).strip();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("stdin: expected a base64 private key (e.g. 'postern genkey | postern pubkey')");
        }
        PrivateKey key;
        try {
            key = PrivateKey.fromBase64(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("stdin: " + e.getMessage(), e);
        }
        try {
            parent.out.println(PluginRegistry.load().crypto().select(crypto).x25519().publicKey(key).toBase64());
        } finally {
            key.destroy();
        }
        return 0;
    }
}
