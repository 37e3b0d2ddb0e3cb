package io.postern.it.netns;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.engine.PeerConfig;
import io.postern.engine.PeerStatus;
import io.postern.engine.SessionState;
import io.postern.gateway.NodeConfig;
import io.postern.gateway.RunningGateway;
import io.postern.gateway.uapi.UapiServer;
import io.postern.key.PresharedKey;
import io.postern.key.PrivateKey;
import io.postern.key.PublicKey;
import io.postern.net.IpPrefix;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Stock {@code wg} (wireguard-tools from Debian) manages a running Postern through WireGuard's
 * userspace API on {@code /var/run/wireguard/NAME.sock}, with a real wireguard-go peer connected
 * through the NAT topology: {@code wg show}, {@code show dump}, {@code show all latest-handshakes},
 * {@code set … allowed-ips}, {@code syncconf <(wg-quick strip FILE)} and {@code showconf}; the
 * fields are compared with what the peer itself reports. Needs root; CI runs it.
 */
class StockWgToolsIT {
    private static final String TUNNEL_GATEWAY = "198.19.0.1";

    private static String wg(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "wg";
        System.arraycopy(args, 0, cmd, 1, args.length);
        return Command.run(List.of(cmd)).orThrow().stdout();
    }

    @Test
    void wgShowsSetsAndSyncsARunningPostern() throws Exception {
        try (NetnsLab lab = NetnsLab.open()) {
            NatTopology net = new NatTopology(lab, 1);
            WgKeys gatewayKeys = WgKeys.generate();
            WgKeys peerKeys = WgKeys.generate();
            String name = lab.name("g");
            NodeConfig config = NodeConfig.builder(PrivateKey.fromBase64(gatewayKeys.privateKey()))
                    .listenAddress(InetAddress.getByName(NatTopology.GATEWAY_IP)).listenPort(0)
                    .address(IpPrefix.parse(TUNNEL_GATEWAY + "/24")).handler("ip").admission("allowlist")
                    .peer(new PeerConfig(PublicKey.fromBase64(peerKeys.publicKey()), PresharedKey.NONE,
                            List.of(IpPrefix.parse("198.19.0.2/32")), null, Duration.ZERO))
                    .build();
            Path socket = UapiServer.socketFor(UapiServer.DEFAULT_DIRECTORY, name);
            try (RunningGateway gw = RunningGateway.start(config, lab.dir().resolve("data"), socket)) {
                int port = gw.node().localEndpoint().port();
                PublicKey peerKey = PublicKey.fromBase64(peerKeys.publicKey());
                WireGuardGoPeer peer = WireGuardGoPeer.start(lab, net.hosts.getFirst(), "wg", peerKeys.privateKey(),
                        "198.19.0.2/24", 51999);
                peer.setPeer(gatewayKeys.publicKey(), NatTopology.GATEWAY_IP + ":" + port, "198.19.0.0/24", 0);
                assertThat(peer.ping(TUNNEL_GATEWAY, 5, Duration.ofMillis(200), Duration.ofSeconds(5)))
                        .as("the wireguard-go peer pings the gateway").isPositive();

                // wg show NAME: the human view
                String show = wg("show", name);
                assertThat(show).contains("interface: " + name, "public key: " + gatewayKeys.publicKey(),
                        "private key: (hidden)", "listening port: " + port, "peer: " + peerKeys.publicKey(),
                        "endpoint: " + NatTopology.ROUTER_WAN_IP + ":", "allowed ips: 198.19.0.2/32", "latest handshake: ",
                        "transfer: ");

                // wg show NAME dump, field by field against the peer's own view
                String[] dump = wg("show", name, "dump").split("\n");
                assertThat(dump).hasSize(2);
                assertThat(dump[0].split("\t")).containsExactly(gatewayKeys.privateKey(), gatewayKeys.publicKey(),
                        Integer.toString(port), "off");
                String[] ours = dump[1].split("\t"); // key psk endpoint allowed handshake rx tx keepalive
                String[] theirs = peer.dumpPeers().getFirst();
                assertThat(ours[0]).isEqualTo(peerKeys.publicKey());
                assertThat(theirs[0]).isEqualTo(gatewayKeys.publicKey());
                assertThat(ours[1]).isEqualTo("(none)").isEqualTo(theirs[1]);
                assertThat(ours[2]).startsWith(NatTopology.ROUTER_WAN_IP + ":");
                assertThat(theirs[2]).isEqualTo(NatTopology.GATEWAY_IP + ":" + port);
                assertThat(ours[3]).isEqualTo("198.19.0.2/32");
                long ourHandshake = Long.parseLong(ours[4]);
                assertThat(ourHandshake).as("the same handshake, seen from both ends")
                        .isCloseTo(Long.parseLong(theirs[4]), org.assertj.core.data.Offset.offset(2L));
                // wireguard-go counts handshake messages too (initiation 148 B, response 92 B), Postern only
                // transport data: with the connection quiet, the differences are whole handshake messages
                long weReceived = Long.parseLong(ours[5]);
                long weSent = Long.parseLong(ours[6]);
                long theySent = Long.parseLong(theirs[6]);
                long theyReceived = Long.parseLong(theirs[5]);
                assertThat(weReceived).as("received by us").isPositive();
                assertThat(weSent).as("sent by us").isPositive();
                assertThat(theySent - weReceived).as("their tx - our rx: their initiations").isPositive().matches(d -> d % 148 == 0);
                assertThat(theyReceived - weSent).as("their rx - our tx: our responses").isPositive().matches(d -> d % 92 == 0);
                System.out.println("wg show dump, gateway: " + dump[1] + "\nwg show dump, peer:    " + String.join("\t", theirs));
                assertThat(ours[7]).isEqualTo("off");

                // wg show all latest-handshakes lists this interface among any others on the machine
                assertThat(wg("show", "all", "latest-handshakes"))
                        .contains(name + "\t" + peerKeys.publicKey() + "\t" + ourHandshake + "\n");

                // wg set: a second peer, and more allowed IPs for the connected one (its session goes on)
                WgKeys other = WgKeys.generate();
                wg("set", name, "peer", other.publicKey(), "allowed-ips", "198.19.0.9/32", "persistent-keepalive", "25");
                wg("set", name, "peer", peerKeys.publicKey(), "allowed-ips", "198.19.0.2/32,198.19.0.5/32");
                PeerStatus added = gw.node().engine().peer(PublicKey.fromBase64(other.publicKey())).orElseThrow();
                assertThat(added.allowedIps()).containsExactly(IpPrefix.parse("198.19.0.9/32"));
                PeerStatus connected = gw.node().engine().peer(peerKey).orElseThrow();
                assertThat(connected.allowedIps()).containsExactly(IpPrefix.parse("198.19.0.2/32"), IpPrefix.parse("198.19.0.5/32"));
                assertThat(connected.state()).isEqualTo(SessionState.ESTABLISHED);
                assertThat(wg("show", name, "persistent-keepalive")).contains(other.publicKey() + "\t25");

                // wg showconf: a configuration wg can read back
                String showconf = wg("showconf", name);
                assertThat(showconf).contains("[Interface]", "PrivateKey = " + gatewayKeys.privateKey(), "ListenPort = " + port,
                        "PublicKey = " + other.publicKey(), "PersistentKeepalive = 25",
                        "AllowedIPs = 198.19.0.2/32, 198.19.0.5/32");

                // wg syncconf NAME <(wg-quick strip FILE): back to the file's single peer, the session untouched
                Path file = lab.dir().resolve(name + ".conf");
                Files.writeString(file, """
                        # a wg-quick file, as an operator keeps it
                        [Interface]
                        PrivateKey = %s
                        ListenPort = %d
                        Address = %s/24
                        DNS = 198.19.0.53
                        MTU = 1420

                        [Peer]
                        PublicKey = %s
                        AllowedIPs = 198.19.0.2/32
                        """.formatted(gatewayKeys.privateKey(), port, TUNNEL_GATEWAY, peerKeys.publicKey()));
                Command.run(List.of("bash", "-c", "wg syncconf " + name + " <(wg-quick strip " + file + ")")).orThrow();
                assertThat(gw.node().engine().peers()).extracting(PeerStatus::publicKey).containsExactly(peerKey);
                PeerStatus synced = gw.node().engine().peer(peerKey).orElseThrow();
                assertThat(synced.allowedIps()).containsExactly(IpPrefix.parse("198.19.0.2/32"));
                assertThat(synced.state()).isEqualTo(SessionState.ESTABLISHED);
                assertThat(synced.lastHandshake()).as("no new handshake: syncconf kept the session")
                        .isEqualTo(connected.lastHandshake());
                assertThat(peer.ping(TUNNEL_GATEWAY, 3, Duration.ofMillis(200), Duration.ofSeconds(2))).isEqualTo(3);

                // what wg refuses is refused whole, with wireguard-go's errno
                Command.Result refused = Command.run(List.of("wg", "set", name, "listen-port", Integer.toString(port + 1)));
                assertThat(refused.exitCode()).isNotZero();
                assertThat(refused.stderr()).contains("Invalid argument");
                assertThat(Arrays.asList(wg("show", name, "peers").split("\n"))).containsExactly(peerKeys.publicKey());
            }
            assertThat(socket).as("the socket goes with the gateway").doesNotExist();
        }
    }
}
