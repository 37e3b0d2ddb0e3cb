package io.postern.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.postern.engine.PeerConfig;
import io.postern.key.PresharedKey;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.net.IpPrefix;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminProtocolTest {
    private static final PublicKey PEER = PublicKey.of(filled(7));

    private static byte[] filled(int v) {
        byte[] b = new byte[32];
        Arrays.fill(b, (byte) v);
        return b;
    }

    private static AdminMessage roundTrip(AdminMessage m) throws IOException {
        StringWriter w = new StringWriter();
        m.write(w);
        return AdminMessage.read(new BufferedReader(new StringReader(w.toString())));
    }

    @Test
    void peerUpdatesSurviveTheWire() throws IOException {
        PeerConfig full = new PeerConfig(PEER, PresharedKey.of(filled(9)),
                List.of(IpPrefix.parse("10.0.0.2/32"), IpPrefix.parse("fd00::2/128")), Endpoint.parse("[::1]:51820"),
                Duration.ofSeconds(25));
        AdminMessage m = AdminMessage.request("syncconf");
        PeerUpdate.of(full).writeTo(m);
        PeerUpdate.removal(PublicKey.of(filled(8))).writeTo(m);
        List<PeerUpdate> read = PeerUpdate.readAll(roundTrip(m));
        assertThat(read).hasSize(2);
        assertThat(read.get(0).toConfig()).isEqualTo(full);
        assertThat(read.get(1).remove()).isTrue();

        // a partial update (set) keeps what it does not name
        PeerUpdate endpointOnly = new PeerUpdate(PEER, false, Endpoint.parse("127.0.0.1:9"), null, null, null);
        PeerConfig merged = endpointOnly.applyTo(full);
        assertThat(merged.endpoint()).isEqualTo(Endpoint.parse("127.0.0.1:9"));
        assertThat(merged.allowedIps()).isEqualTo(full.allowedIps());
        assertThat(merged.presharedKey()).isEqualTo(full.presharedKey());
    }

    @Test
    void badRequestsAreRefusedWithoutQuotingSecrets() throws IOException {
        AdminMessage bad = AdminMessage.request("set").add("peer", PEER.toBase64()).add("preshared_key", "c2VjcmV0");
        assertThatThrownBy(() -> PeerUpdate.readAll(roundTrip(bad))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("preshared_key: ").hasMessageNotContaining("c2VjcmV0");
        AdminMessage noPeer = AdminMessage.request("set").add("endpoint", "127.0.0.1:1");
        assertThatThrownBy(() -> PeerUpdate.readAll(noPeer)).hasMessageContaining("before any peer");
        assertThatThrownBy(() -> AdminMessage.read(new BufferedReader(new StringReader("get=1\nno equals\n\n"))))
                .isInstanceOf(IOException.class).hasMessageContaining("not a key=value line");
        assertThatThrownBy(() -> AdminMessage.read(new BufferedReader(new StringReader("get=1\n"))))
                .isInstanceOf(IOException.class).hasMessageContaining("closed before the end");
        // a value cannot end the message early
        assertThat(roundTrip(AdminMessage.create().add("error", "two\nlines").add("errno", 1)).first("error"))
                .contains("two lines");
    }

    @Test
    void theSocketIsOwnerOnlyAndGoneAfterClose(@TempDir Path dir) throws IOException {
        try (AdminServer server = AdminServer.open(dir, request -> AdminMessage.create().add("pong", 1).add("errno", 0))) {
            assertThat(Files.getPosixFilePermissions(server.socket())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(AdminClient.call(dir, AdminMessage.request("ping")).first("pong")).contains("1");
            assertThatThrownBy(() -> AdminServer.open(dir, r -> r)).hasMessageContaining("another gateway is running");
            try (var files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString())).containsExactly(AdminServer.SOCKET_NAME);
            }
        }
        assertThat(AdminServer.socketIn(dir)).doesNotExist();
        assertThatThrownBy(() -> AdminClient.call(dir, AdminMessage.request("get")))
                .isInstanceOf(AdminUnavailableException.class).hasMessageStartingWith("no running gateway: ");
    }

    @Test
    void aStaleSocketIsTakenOver(@TempDir Path dir) throws IOException {
        AdminServer first = AdminServer.open(dir, r -> AdminMessage.create().add("errno", 0));
        Path socket = first.socket();
        // a gateway killed with SIGKILL leaves its socket file behind: simulate by closing the channel only
        Path kept = dir.resolve("kept");
        Files.createLink(kept, socket);
        first.close();
        Files.move(kept, socket);
        assertThatThrownBy(() -> AdminClient.call(dir, AdminMessage.request("get")))
                .isInstanceOf(AdminUnavailableException.class).hasMessageContaining("nothing answers");
        try (AdminServer second = AdminServer.open(dir, r -> AdminMessage.create().add("errno", 0))) {
            assertThat(AdminClient.call(dir, AdminMessage.request("get")).ok()).isTrue();
        }
    }
}
