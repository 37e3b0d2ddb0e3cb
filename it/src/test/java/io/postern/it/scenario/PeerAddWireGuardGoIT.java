package io.postern.it.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.it.netns.NetnsLab;
import io.postern.it.netns.WireGuardGoPeer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * {@code postern peer add NAME} against a running gateway image prints a wg-quick client config that
 * a stock wireguard-go client, configured from it as wg-quick would ({@code wg setconf} of the stripped
 * file, {@code ip addr add} of its Address), uses to connect and ping the gateway's tunnel address
 * ({@code Handler = ip} answers). Needs root and the image; CI runs it.
 */
class PeerAddWireGuardGoIT {
    private static final String GATEWAY_IP = "198.18.14.1";
    private static final String CLIENT_IP = "198.18.14.2";
    private static final int PORT = 51814;
    private static final String TUNNEL_GATEWAY = "198.19.14.1";
    private static final Duration BOUND = Duration.ofSeconds(60);

    @org.junit.jupiter.api.Test
    void thePrintedConfigConnectsAWireGuardGoClient() throws Exception {
        try (NetnsLab lab = NetnsLab.open()) {
            String client = lab.namespace("c");
            lab.veth(null, "gw", GATEWAY_IP + "/24", client, "c", CLIENT_IP + "/24");
            Map<String, String> env = Map.of("POSTERN_DATA_DIR", lab.dir().resolve("data").toString());
            String privateKey = ImageProcess.run(env, "", BOUND, "genkey");
            String name = lab.name("g");
            Path config = lab.dir().resolve(name + ".conf");
            Files.writeString(config, """
                    [Interface]
                    PrivateKey = %s
                    ListenAddress = %s
                    ListenPort = %d
                    Address = %s/24
                    Handler = ip
                    """.formatted(privateKey, GATEWAY_IP, PORT, TUNNEL_GATEWAY));
            try (ImageProcess gateway = ImageProcess.start(lab.dir().resolve("gateway.log"), env, "up", "--config", config.toString())) {
                gateway.awaitLog("listening on:", BOUND);

                String printed = ImageProcess.run(env, "", BOUND, "peer", "add", "phone", "--config", config.toString(),
                        "--interface", name, "--endpoint", GATEWAY_IP + ":" + PORT);
                assertThat(printed).contains("Address = 198.19.14.2/24", "Endpoint = " + GATEWAY_IP + ":" + PORT);
                assertThat(Files.readString(config)).contains("# phone\n");
                Path clientConfig = lab.dir().resolve("phone.conf");
                Files.writeString(clientConfig, printed + "\n");

                WireGuardGoPeer phone = WireGuardGoPeer.startFromWgQuick(lab, client, "wg", clientConfig);
                assertThat(phone.ping(TUNNEL_GATEWAY, 5, Duration.ofMillis(200), Duration.ofSeconds(5)))
                        .as("the wireguard-go client pings the gateway through the tunnel\n%s", gateway.log()).isPositive();
                assertThat(phone.dumpPeers()).singleElement().satisfies(p -> assertThat(Long.parseLong(p[4]))
                        .as("a completed handshake").isPositive());
            }
        }
    }
}
