package io.postern.gateway;

import io.postern.gateway.uapi.AddressText;
import static org.assertj.core.api.Assertions.assertThat;

import io.postern.engine.PeerConfig;
import io.postern.engine.PeerStatus;
import io.postern.engine.SessionState;
import io.postern.event.DropReason;
import io.postern.key.PresharedKey;
import io.postern.key.PrivateKey;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.net.IpPrefix;
import io.postern.spi.crypto.X25519;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code show}, {@code set} and {@code syncconf} against a running gateway (a {@link RunningGateway}
 * on loopback with its admin socket in a temporary data directory) and real Java peers, through
 * the CLI exactly as an operator types it.
 */
class OperateTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final X25519 X25519 = PluginRegistry.load().crypto().select("bouncycastle").x25519();

    @TempDir
    Path dataDir;

    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

    record Result(int code, String out, String err) {}

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    /** A fixed key, so golden output can name peers in a stable order. */
    static PrivateKey key(int seed) {
        byte[] b = new byte[32];
        Arrays.fill(b, (byte) seed);
        return PrivateKey.of(b);
    }

    static PublicKey pub(int seed) {
        return X25519.publicKey(key(seed));
    }

    private RunningGateway gateway(NodeConfig.Builder config) throws Exception {
        RunningGateway g = RunningGateway.start(config.listenAddress(LOOPBACK).build(), PluginRegistry.load(), dataDir);
        open.add(g);
        return g;
    }

    private PosternNode client(int seed, int port, RunningGateway gateway, PosternNodeTest.CapturingHandler handler)
            throws Exception {
        PosternNode n = PosternNode.start(NodeConfig.builder(key(seed)).listenAddress(LOOPBACK).listenPort(port)
                .peer(PeerConfig.of(gateway.node().publicKey(), Endpoint.of(LOOPBACK, gateway.node().localEndpoint().port())))
                .handler(handler).build());
        open.add(n);
        return n;
    }

    /** Sends a payload from {@code client} and waits for its echo. */
    private static void echo(PosternNode client, PublicKey gateway, PosternNodeTest.CapturingHandler handler, String text)
            throws Exception {
        byte[] p = text.getBytes(StandardCharsets.UTF_8);
        assertThat(client.engine().send(gateway, p, 0, p.length)).isTrue();
        assertThat(handler.packets.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).as("echo of %s", text).isNotNull();
    }

    private Result cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(UpCommand.DATA_DIR_ENV, dataDir.toString()));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("waited %s for %s", WAIT, what).isNegative();
            Thread.sleep(10);
        }
    }

    private static PeerStatus status(RunningGateway g, PublicKey peer) {
        return g.node().engine().peer(peer).orElseThrow();
    }

    /** Masks what changes from run to run: times, ports. */
    private static String mask(String s) {
        return s.replaceAll("(latest handshake: ).*", "$1<time>")
                .replaceAll("(policy decision: .*), (Now|\\d+ seconds? ago)", "$1, <time>")
                .replaceAll("127\\.0\\.0\\.1:\\d+", "127.0.0.1:<port>")
                .replaceAll("listening port: \\d+", "listening port: <port>")
                .replaceAll("(\"(time|latestHandshake|policyDecisionAt)\": )\"[^\"]+\"", "$1\"<time>\"")
                .replaceAll("(\"(latestHandshakeSecondsAgo|policyDecisionSecondsAgo)\": )\\d+", "$1<n>")
                .replaceAll("(\"listenPort\": )\\d+", "$1<port>");
    }

    private static String names(String s) {
        for (int seed : new int[] {1, 2, 3, 4, 5}) {
            s = s.replace(pub(seed).toBase64(), "<" + seed + ">").replace(pub(seed).shortForm(), "<" + seed + "…>");
        }
        return s;
    }

    @Test
    void showPrintsPeersInKnownStatesLikeWgShow() throws Exception {
        // 1 = the gateway; 2 connects and is then replaced by 3 from the same ip:port (it restarted with a new key);
        // 4 is configured but never connects
        RunningGateway gw = gateway(NodeConfig.builder(key(1))
                .peer(new PeerConfig(pub(2), PresharedKey.NONE, List.of(IpPrefix.parse("10.0.0.2/32")), null, Duration.ZERO))
                .peer(new PeerConfig(pub(3), PresharedKey.NONE, List.of(IpPrefix.parse("10.0.0.3/32")), null, Duration.ZERO))
                .peer(new PeerConfig(pub(4), PresharedKey.NONE,
                        List.of(IpPrefix.parse("10.0.0.4/32"), IpPrefix.parse("fd00::4/128")),
                        Endpoint.parse("127.0.0.1:9"), Duration.ofSeconds(0))));
        PublicKey g = gw.node().publicKey();
        var before = new PosternNodeTest.CapturingHandler();
        PosternNode crashed = client(2, 0, gw, before);
        echo(crashed, g, before, "hello");
        int port = crashed.localEndpoint().port();
        crashed.close();
        var after = new PosternNodeTest.CapturingHandler();
        PosternNode restarted = client(3, port, gw, after);
        echo(restarted, g, after, "hello");
        await("eviction of 2", () -> gw.node().engine().counters().staleSessionsEvicted() == 1);

        Result text = cli("show");
        assertThat(text.err()).isEmpty();
        assertThat(text.code()).isZero();
        assertThat(names(mask(text.out()))).isEqualTo(golden("""
                interface: postern
                  public key: <1>
                  private key: (hidden)
                  listening port: <port>
                  policy: reset-on-identity-change
                """, """
                peer: <2>
                  allowed ips: 10.0.0.2/32
                  latest handshake: <time>
                  transfer: 48 B received, 48 B sent
                  session: none
                  policy decision: evicted: stale session, replaced by <3…>, <time>
                """, """
                peer: <3>
                  endpoint: 127.0.0.1:<port>
                  allowed ips: 10.0.0.3/32
                  latest handshake: <time>
                  transfer: 48 B received, 48 B sent
                  session: established
                  policy decision: replaced the stale session of <2…> at 127.0.0.1:<port>, <time>
                """, """
                peer: <4>
                  endpoint: 127.0.0.1:<port>
                  allowed ips: 10.0.0.4/32, fd00::4/128
                  session: none
                """));

        Result one = cli("show", pub(3).toBase64());
        assertThat(one.code()).isZero();
        assertThat(names(mask(one.out()))).startsWith("peer: <3>\n").contains("session: established").doesNotContain("<2>\n");

        Result json = cli("show", "--json");
        assertThat(json.code()).isZero();
        assertThat(names(mask(json.out()))).contains("""
                    {
                      "publicKey": "<3>",
                      "endpoint": "127.0.0.1:<port>",
                      "allowedIps": ["10.0.0.3/32"],
                      "configured": true,
                      "session": "established",
                      "latestHandshake": "<time>",
                      "latestHandshakeSecondsAgo": <n>,
                      "rxBytes": 48,
                      "txBytes": 48,
                      "persistentKeepaliveSeconds": 0,
                      "policyDecision": "replaced the stale session of <2…> at 127.0.0.1:<port>",
                      "policyDecisionAt": "<time>",
                      "policyDecisionSecondsAgo": <n>
                    }""".indent(4).stripTrailing()).startsWith("""
                {
                  "interface": {
                    "publicKey": "<1>",
                    "listenPort": <port>,
                    "listen": "127.0.0.1:<port>",
                    "policy": "reset-on-identity-change",
                    "time": "<time>"
                  },
                  "peers": [
                """);
        assertThat(json.out().lines().filter(l -> l.contains("\"publicKey\"")).count()).isEqualTo(4);
    }

    /** Peers print in base64 key order; the golden lists the sections, this sorts them the same way. */
    private static String golden(String iface, String... peers) {
        int[] seeds = {2, 3, 4};
        Integer[] order = {0, 1, 2};
        Arrays.sort(order, (a, b) -> pub(seeds[a]).toBase64().compareTo(pub(seeds[b]).toBase64()));
        StringBuilder s = new StringBuilder(iface);
        for (int i : order) {
            s.append('\n').append(peers[i]);
        }
        return s.toString();
    }

    @Test
    void setAndSyncconfChangePeersWithoutDisturbingTheOthers() throws Exception {
        RunningGateway gw = gateway(NodeConfig.builder(key(1))
                .peer(new PeerConfig(pub(2), PresharedKey.NONE, List.of(IpPrefix.parse("10.0.0.2/32")), null, Duration.ZERO))
                .peer(new PeerConfig(pub(4), PresharedKey.NONE, List.of(IpPrefix.parse("10.0.0.4/32")), null, Duration.ZERO)));
        PublicKey g = gw.node().publicKey();
        var twoGot = new PosternNodeTest.CapturingHandler();
        PosternNode two = client(2, 0, gw, twoGot);
        echo(two, g, twoGot, "before");

        // set: a new peer is let in
        Result add = cli("set", pub(3).toBase64(), "allowed-ips", "10.0.0.3/32,fd00::3/128", "persistent-keepalive", "off");
        assertThat(add.err()).isEmpty();
        assertThat(add.code()).isZero();
        var threeGot = new PosternNodeTest.CapturingHandler();
        PosternNode three = client(3, 0, gw, threeGot);
        echo(three, g, threeGot, "new peer");
        assertThat(status(gw, pub(3)).configured()).isTrue();
        assertThat(status(gw, pub(3)).allowedIps()).extracting(p -> AddressText.of(p)).containsExactly("10.0.0.3/32", "fd00::3/128");

        // set on an established peer changes it in place: no new handshake
        Instant twoHandshake = status(gw, pub(2)).lastHandshake();
        long handshakes = gw.node().engine().counters().handshakesCompleted();
        assertThat(cli("set", pub(2).toBase64(), "allowed-ips", "10.0.0.2/32,10.0.2.0/24").code()).isZero();
        assertThat(status(gw, pub(2)).allowedIps()).hasSize(2);
        assertThat(status(gw, pub(2)).lastHandshake()).isEqualTo(twoHandshake);

        // syncconf: 2 changed (updated in place), 3 unchanged, 4 gone (removed), 5 new
        Path file = dataDir.resolve("changed.conf");
        Files.writeString(file, """
                [Interface]
                PrivateKey = %s
                [Peer]
                PublicKey = %s
                AllowedIPs = 10.0.0.2/32
                [Peer]
                PublicKey = %s
                AllowedIPs = 10.0.0.3/32, fd00::3/128
                [Peer]
                PublicKey = %s
                AllowedIPs = 10.0.0.5/32
                """.formatted(key(1).toBase64(), pub(2).toBase64(), pub(3).toBase64(), pub(5).toBase64()));
        Result sync = cli("syncconf", file.toString());
        assertThat(sync.err()).isEmpty();
        assertThat(sync.code()).isZero();
        assertThat(sync.out()).isEqualTo("peers: 1 added, 1 removed, 1 updated, 1 unchanged" + System.lineSeparator());
        assertThat(gw.node().engine().peer(pub(4))).isEmpty();
        assertThat(status(gw, pub(5)).configured()).isTrue();
        assertThat(status(gw, pub(2)).allowedIps()).extracting(IpPrefix::toString).containsExactly("10.0.0.2/32");

        // the sessions of 2 (updated) and 3 (unchanged) went on: traffic flows, no handshake happened
        echo(two, g, twoGot, "still here");
        echo(three, g, threeGot, "me too");
        assertThat(gw.node().engine().counters().handshakesCompleted()).isEqualTo(handshakes);
        assertThat(status(gw, pub(2)).lastHandshake()).isEqualTo(twoHandshake);
        assertThat(status(gw, pub(2)).state()).isEqualTo(SessionState.ESTABLISHED);
        assertThat(status(gw, pub(3)).state()).isEqualTo(SessionState.ESTABLISHED);

        // set … remove ends the session: the gateway no longer knows the keypair of 2's packets
        long unknownBefore = gw.node().engine().counters().drops(DropReason.UNKNOWN_RECEIVER_INDEX);
        assertThat(cli("set", pub(2).toBase64(), "remove").code()).isZero();
        assertThat(gw.node().engine().peer(pub(2))).isEmpty();
        byte[] p = "anyone?".getBytes(StandardCharsets.UTF_8);
        two.engine().send(g, p, 0, p.length);
        await("2's packet dropped", () ->
                gw.node().engine().counters().drops(DropReason.UNKNOWN_RECEIVER_INDEX) > unknownBefore);
        assertThat(twoGot.packets).isEmpty();
        assertThat(cli("show").out()).doesNotContain(pub(2).toBase64()).contains(pub(3).toBase64(), pub(5).toBase64());
    }

    @Test
    void badInputGivesOneLineAndANonZeroExitCode() throws Exception {
        Result noGateway = cli("show");
        assertThat(noGateway.code()).isEqualTo(PosternCommand.FAILED);
        assertThat(noGateway.err()).startsWith("postern: no running gateway: ").hasLineCount(1);
        assertThat(cli("set", pub(2).toBase64(), "remove").err()).startsWith("postern: no running gateway: ");
        assertThat(cli("syncconf", "/nonexistent/postern.conf").code()).isEqualTo(PosternCommand.FAILED);

        gateway(NodeConfig.builder(key(1))
                .peer(new PeerConfig(pub(2), PresharedKey.NONE, List.of(), null, Duration.ZERO)));
        String unknown = pub(5).toBase64();
        Map<List<String>, Integer> cases = Map.of(
                List.of("show", unknown), PosternCommand.FAILED,
                List.of("set", pub(1).toBase64(), "endpoint", "127.0.0.1:5"), PosternCommand.FAILED, // the gateway itself
                List.of("show", "not-base64!"), PosternCommand.USAGE,
                List.of("set", "AAAA", "remove"), PosternCommand.USAGE,
                List.of("set", unknown, "allowed-ips", "10.0.0.1/33"), PosternCommand.USAGE,
                List.of("set", unknown, "allowed-ips", "10.0.0.300/32"), PosternCommand.USAGE,
                List.of("set", unknown, "endpoint", "nowhere"), PosternCommand.USAGE,
                List.of("set", unknown, "persistent-keepalive", "often"), PosternCommand.USAGE,
                List.of("set", unknown), PosternCommand.USAGE);
        cases.forEach((args, code) -> {
            Result r = cli(args.toArray(String[]::new));
            assertThat(r.code()).as("%s exit code (err: %s)", args, r.err()).isEqualTo(code);
            assertThat(r.err()).as("%s", args).startsWith("postern: ").hasLineCount(1);
            assertThat(r.out()).as("%s", args).isEmpty();
        });
        // as with wg: removing a peer that is not there succeeds and changes nothing
        Result remove = cli("set", unknown, "remove");
        assertThat(remove.code()).isZero();
        assertThat(remove.err()).isEmpty();
        // nothing changed
        assertThat(cli("show", pub(2).toBase64()).code()).isZero();
    }

    @Test
    void everyCommandHasHelpAndCompletionCoversThem() {
        for (String command : List.of("up", "genkey", "pubkey", "show", "set", "syncconf", "policies")) {
            Result r = cli(command, "--help");
            assertThat(r.code()).as(command).isZero();
            assertThat(r.out()).as(command).startsWith("Usage: postern " + command);
        }
        Result completion = cli("generate-completion");
        assertThat(completion.code()).isZero();
        assertThat(completion.out()).contains("show", "syncconf", "set", "--data-dir", "complete -F");
        assertThat(cli("--help").out()).contains("generate-completion", "show", "syncconf");
    }
}
