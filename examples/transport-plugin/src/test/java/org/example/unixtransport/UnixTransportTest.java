package org.example.unixtransport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.postern.net.Endpoint;
import io.postern.spi.PluginConfig;
import io.postern.spi.Transport;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnixTransportTest {
    @TempDir
    Path dir;

    private static SocketChannel connect(Path socket) throws Exception {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        return ch;
    }

    private static byte[] roundTrip(SocketChannel ch, byte[] payload) throws Exception {
        ByteBuffer out = ByteBuffer.allocate(2 + payload.length).putShort((short) payload.length).put(payload).flip();
        while (out.hasRemaining()) {
            ch.write(out);
        }
        ByteBuffer header = ByteBuffer.allocate(2);
        while (header.hasRemaining() && ch.read(header) >= 0) { }
        ByteBuffer body = ByteBuffer.allocate(header.getShort(0) & 0xffff);
        while (body.hasRemaining() && ch.read(body) >= 0) { }
        return body.array();
    }

    @Test
    void framesGoBothWaysAndEachConnectionIsItsOwnEndpoint() throws Exception {
        Path socket = dir.resolve("wg.sock");
        BlockingQueue<Endpoint> sources = new ArrayBlockingQueue<>(8);
        try (Transport t = new UnixTransportProvider().bind(socket.toString());
             SocketChannel a = connect(socket); SocketChannel b = connect(socket)) {
            t.start((source, buffer, offset, length) -> {
                sources.add(source);
                t.send(source, Arrays.copyOfRange(buffer, offset, offset + length), 0, length);
            });
            assertThat(roundTrip(a, new byte[] {1, 2, 3})).containsExactly(1, 2, 3);
            assertThat(roundTrip(b, new byte[] {4})).containsExactly(4);
            Endpoint ea = sources.poll(5, TimeUnit.SECONDS);
            Endpoint eb = sources.poll(5, TimeUnit.SECONDS);
            assertThat(ea.transport()).isEqualTo("unix");
            assertThat(ea).isNotEqualTo(eb);
            assertThat(Endpoint.parse(ea.toString())).isEqualTo(ea);
        }
    }

    @Test
    void itIsConfiguredFromItsSectionAndRefusesAnIpAddress() {
        UnixTransportProvider p = new UnixTransportProvider();
        assertThatThrownBy(() -> p.configure(PluginConfig.of("unix", "postern.conf", 7,
                List.of(new PluginConfig.Setting("MaxConnections", "0", 8)))))
                .hasMessage("postern.conf:8: [Plugin.unix] MaxConnections: '0' is outside 1-4096");
        assertThatThrownBy(() -> p.bind(new java.net.InetSocketAddress(0)))
                .hasMessageContaining("set Listen = /path/to/socket in [Plugin.unix]");
    }
}
