package io.postern.gateway;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code postern genkey}: prints a fresh base64 private key, like {@code wg genkey}. */
@Command(mixinStandardHelpOptions = true, name = "genkey", description = "Print a new base64 private key (like 'wg genkey').")
final class GenkeyCommand implements Callable<Integer> {
    @ParentCommand
    PosternCommand parent;

    @Option(names = "--crypto", paramLabel = "NAME", defaultValue = NodeConfig.DEFAULT_CRYPTO_PROVIDER,
            description = "CryptoProvider to generate with (default: ${DEFAULT-VALUE}).")
    String crypto;

    @Override
    public Integer call() {
        var keyPair = PluginRegistry.load().crypto().select(crypto).x25519().generateKeyPair();
        parent.out.println(keyPair.privateKey().toBase64());
        keyPair.privateKey().destroy();
        return 0;
    }
}
