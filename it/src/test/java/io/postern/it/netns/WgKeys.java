package io.postern.it.netns;

import java.util.List;

/** Keys made by {@code wg genkey}/{@code wg pubkey}: an implementation none of us wrote. */
public record WgKeys(String privateKey, String publicKey) {
    public static WgKeys generate() {
        String priv = Command.run(List.of("wg", "genkey")).orThrow().stdout().strip();
        String pub = Command.run(List.of("sh", "-c", "echo '" + priv + "' | wg pubkey")).orThrow().stdout().strip();
        return new WgKeys(priv, pub);
    }
}
