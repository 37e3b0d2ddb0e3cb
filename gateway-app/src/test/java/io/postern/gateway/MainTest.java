package io.postern.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MainTest {
    /** RFC 7748 section 6.1: Alice's private key and public key. */
    static final byte[] RFC7748_PRIVATE = HexFormat.of().parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    static final byte[] RFC7748_PUBLIC = HexFormat.of().parseHex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");

    record Result(int code, String out, String err) {}

    static Result run(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static String b64(byte[] b) {
        return java.util.Base64.getEncoder().encodeToString(b);
    }

    @Test
    void genkeyThenPubkeyRoundTrips() {
        Result gen = run("", "genkey");
        assertThat(gen.code()).isZero();
        String priv = gen.out().strip();
        assertThat(priv).hasSize(44).matches("[A-Za-z0-9+/]{43}=");
        assertThat(run("", "genkey").out().strip()).isNotEqualTo(priv);

        Result pub = run(priv + "\n", "pubkey");
        assertThat(pub.code()).isZero();
        assertThat(pub.out().strip()).hasSize(44).isNotEqualTo(priv);
        // both providers derive the same public key
        assertThat(run(priv, "pubkey", "--crypto", "jca").out()).isEqualTo(pub.out());
    }

    @Test
    void pubkeyMatchesTheRfc7748Vector() {
        Result pub = run(b64(RFC7748_PRIVATE) + "\n", "pubkey");
        assertThat(pub.code()).isZero();
        assertThat(pub.out()).isEqualTo(b64(RFC7748_PUBLIC) + System.lineSeparator());
    }

    @Test
    void policiesListsEveryKindWithDescriptions() {
        Result r = run("", "policies");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("SessionPolicy:", "Admission:", "Handler:", "CryptoProvider:", "Transport:")
                .containsPattern("reset-on-identity-change +\\S.*\\(default\\)")
                .contains("keep-both", "reject-while-bound", "allowlist", "open", "echo", "udp", "bouncycastle");
    }

    @Test
    void badInputGivesOneLineAndNonZeroExit() {
        assertOneLineError(run("", "frobnicate"), 2, "postern: Unmatched argument");
        assertOneLineError(run("", "--bogus"), 2, "postern: Unknown option: '--bogus'");
        assertOneLineError(run(""), 2, "postern: missing command");
        assertOneLineError(run("", "up", "--config"), 2, "postern: Missing required parameter");
        assertOneLineError(run("", "up", "--config", "/nonexistent"), 1, "postern: /nonexistent: no such file");
        assertOneLineError(run("not a key", "pubkey"), 1, "postern: stdin: private key is not valid base64");
        assertOneLineError(run("", "pubkey"), 1, "postern: stdin: expected a base64 private key");
        assertOneLineError(run("", "genkey", "--crypto", "rot13"), 1, "postern: CryptoProvider 'rot13' not found; available: ");
    }

    @Test
    void upWithABadConfigFileNamesFileLineAndKey(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path conf = dir.resolve("bad.conf");
        java.nio.file.Files.writeString(conf, "[Interface]\nPrivateKey = " + b64(RFC7748_PRIVATE) + "\nListenPort = abc\n");
        assertOneLineError(run("", "up", "--config", conf.toString()), 1,
                "postern: " + conf + ":3: ListenPort: 'abc' is not a port number (1-65535)");
        java.nio.file.Files.writeString(conf, "[Interface]\nPrivateKey = " + b64(RFC7748_PRIVATE) + "\nSessionPolicy = foo\n");
        assertOneLineError(run("", "up", "--config", conf.toString()), 1,
                "postern: SessionPolicy 'foo' not found; available: keep-both, reject-while-bound, reset-on-identity-change");
    }

    @Test
    void helpAndVersionExitZero() {
        Result help = run("", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("up", "genkey", "pubkey", "policies");
        assertThat(run("", "--version").out()).startsWith("postern ");
    }

    private static void assertOneLineError(Result r, int code, String prefix) {
        assertThat(r.code()).as("exit code of %s", r).isEqualTo(code);
        assertThat(r.err()).as("stderr").startsWith(prefix);
        assertThat(r.err().strip().lines()).as("stderr lines").hasSize(1);
        assertThat(r.out()).isEmpty();
    }
}
