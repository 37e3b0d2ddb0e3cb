package io.postern.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.net.Endpoint;
import io.postern.spi.PluginConfig;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The tcp transport over loopback: framing both ways, every close reason, the connection bounds,
 * the handshake string, dialling, backpressure and IPv6; after each bad connection a good one still works.
 */
class TcpTransportTest {
    private static final int WAIT_MS = 5_000;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    /** A transport on loopback that echoes every datagram back to where it came from. */
    private TcpTransport echoServer(TcpSettings settings) throws IOException {
        TcpTransport t = TcpTransport.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), settings);
        toClose.add(t);
        t.start((source, buffer, offset, length) -> t.send(source, Arrays.copyOfRange(buffer, offset, offset + length), 0, length));
        return t;
    }

    private Socket connect(TcpTransport t) throws IOException {
        Socket s = new Socket(t.localEndpoint().ip(), t.localEndpoint().port());
        s.setSoTimeout(WAIT_MS);
        toClose.add(s);
        return s;
    }

    private static void writeFrame(Socket s, byte[] payload) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(new byte[] {(byte) (payload.length >>> 8), (byte) payload.length});
        out.write(payload);
        out.flush();
    }

    private static byte[] readFrame(Socket s) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        int length = in.readUnsignedShort();
        byte[] b = new byte[length];
        in.readFully(b);
        return b;
    }

    /** Asserts the peer closes the connection (EOF or reset) within the wait. */
    private static void assertClosedByServer(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        try {
            int r;
            do {
                r = in.read();
            } while (r >= 0);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection", e);
        } catch (IOException reset) {
            // a reset is a close too
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + WAIT_MS + " ms");
            }
            Thread.sleep(10);
        }
    }

    private static TcpSettings settings(String... lines) {
        List<PluginConfig.Setting> s = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String[] kv = lines[i].split("=", 2);
            s.add(new PluginConfig.Setting(kv[0].strip(), kv[1].strip(), i + 2));
        }
        return TcpSettings.from(PluginConfig.of("tcp", "test.conf", 1, s));
    }

    private static void assertEchoes(Socket s, String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        writeFrame(s, payload);
        assertThat(readFrame(s)).isEqualTo(payload);
    }

    @Test
    void framesGoBothWaysAndTheEndpointNamesTcp() throws Exception {
        BlockingQueue<Endpoint> sources = new ArrayBlockingQueue<>(16);
        TcpTransport t = TcpTransport.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), TcpSettings.DEFAULTS);
        toClose.add(t);
        t.start((source, buffer, offset, length) -> {
            sources.add(source);
            t.send(source, Arrays.copyOfRange(buffer, offset, offset + length), 0, length);
        });
        Socket s = connect(t);
        // two frames in one write, then one split across writes
        byte[] a = "first".getBytes(StandardCharsets.UTF_8);
        byte[] b = new byte[1452];
        Arrays.fill(b, (byte) 7);
        OutputStream out = s.getOutputStream();
        out.write(new byte[] {0, 5, 'f', 'i', 'r', 's', 't', 0, 5, 'f', 'i', 'r', 's', 't'});
        out.write(new byte[] {(byte) (b.length >>> 8)});
        out.flush();
        Thread.sleep(20);
        out.write(new byte[] {(byte) b.length});
        out.write(b, 0, 100);
        out.flush();
        out.write(b, 100, b.length - 100);
        out.flush();
        assertThat(readFrame(s)).isEqualTo(a);
        assertThat(readFrame(s)).isEqualTo(a);
        assertThat(readFrame(s)).isEqualTo(b);
        Endpoint source = sources.poll(WAIT_MS, TimeUnit.MILLISECONDS);
        assertThat(source.transport()).isEqualTo("tcp");
        assertThat(source.port()).isEqualTo(s.getLocalPort());
        assertThat(source.toString()).startsWith("tcp://127.0.0.1:");
        assertThat(t.counters()).containsEntry("frames_received", 3L).containsEntry("connections_open", 1L);
    }

    @Test
    void oversizeAndZeroLengthsCloseOnlyThatConnectionWithTheirReason() throws Exception {
        TcpTransport t = echoServer(settings("MaxFrame = 2000"));
        Socket good = connect(t);
        assertEchoes(good, "before");

        Socket oversize = connect(t);
        oversize.getOutputStream().write(new byte[] {(byte) 0x07, (byte) 0xd1}); // 2001
        assertClosedByServer(oversize);
        Socket zero = connect(t);
        zero.getOutputStream().write(new byte[] {0, 0});
        assertClosedByServer(zero);

        assertThat(t.counters()).containsEntry("closed_oversize", 1L).containsEntry("closed_zero_length", 1L);
        assertEchoes(good, "after");
    }

    @Test
    void slowlorisAndHalfOpenConnectionsAreClosedAfterTheFrameTimeout() throws Exception {
        TcpTransport t = echoServer(settings("FrameTimeout = 200ms"));
        Socket good = connect(t);
        assertEchoes(good, "warm");
        Socket halfOpen = connect(t);           // connects, never sends
        Socket slow = connect(t);
        slow.getOutputStream().write(new byte[] {0, 100, 1, 2, 3}); // 3 of 100 bytes, then nothing
        // the good connection keeps sending frames, each well within the timeout
        for (int i = 0; i < 5; i++) {
            assertEchoes(good, "tick " + i);
            Thread.sleep(60);
        }
        assertClosedByServer(halfOpen);
        assertClosedByServer(slow);
        assertThat(t.counters()).containsEntry("closed_frame_timeout", 2L);
        assertEchoes(good, "still here");
    }

    @Test
    void anIdleConnectionIsClosed() throws Exception {
        TcpTransport t = echoServer(settings("IdleTimeout = 300ms", "FrameTimeout = 5s"));
        Socket s = connect(t);
        assertEchoes(s, "one frame, then silence");
        assertClosedByServer(s);
        assertThat(t.counters()).containsEntry("closed_idle", 1L);
    }

    @Test
    void connectionsPerIpAndInTotalAreBoundedWithoutClosingExistingOnes() throws Exception {
        TcpTransport t = echoServer(settings("MaxConnections = 5", "MaxConnectionsPerIp = 3"));
        List<Socket> first = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Socket s = connect(t);
            assertEchoes(s, "conn " + i);
            first.add(s);
        }
        // a flood from many ports of the same IP: every one over the limit is refused
        for (int i = 0; i < 20; i++) {
            assertClosedByServer(connect(t));
        }
        assertThat(t.counters()).containsEntry("refused_max_per_ip", 20L).containsEntry("connections_open", 3L);
        for (Socket s : first) {
            assertEchoes(s, "unaffected");
        }
        // another loopback address (the whole 127/8 is loopback on Linux) counts towards the total only
        InetAddress other = InetAddress.getByName("127.0.0.2");
        List<Socket> second = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Socket s = new Socket();
            s.setSoTimeout(WAIT_MS);
            s.bind(new InetSocketAddress(other, 0));
            s.connect(new InetSocketAddress(t.localEndpoint().ip(), t.localEndpoint().port()));
            toClose.add(s);
            second.add(s);
        }
        assertEchoes(second.get(0), "fourth");
        assertEchoes(second.get(1), "fifth");
        assertClosedByServer(second.get(2));
        assertThat(t.counters()).containsEntry("refused_max_connections", 1L);
        // closing one frees its slot
        first.getFirst().close();
        await(() -> t.counters().get("connections_open") == 4L);
        assertEchoes(connect(t), "room again");
    }

    @Test
    void theHandshakeStringIsCheckedBeforeAnyFrame() throws Exception {
        TcpTransport t = echoServer(settings("Handshake = postern-test"));
        byte[] good = Arrays.copyOf("postern-test".getBytes(StandardCharsets.US_ASCII), 32);
        Socket ok = connect(t);
        ok.getOutputStream().write(good);
        assertEchoes(ok, "after the handshake");

        Socket bad = connect(t);
        byte[] wrong = good.clone();
        wrong[0] ^= 1;
        byte[] wrongThenFrame = Arrays.copyOf(wrong, 32 + 5); // one write: the server may close right after the 32 bytes
        System.arraycopy(new byte[] {0, 3, 1, 2, 3}, 0, wrongThenFrame, 32, 5);
        bad.getOutputStream().write(wrongThenFrame);
        assertClosedByServer(bad);
        assertThat(t.counters()).containsEntry("closed_bad_handshake", 1L).containsEntry("frames_received", 1L);
    }

    @Test
    void aDialledConnectionCarriesFramesBothWaysWithTheHandshake() throws Exception {
        TcpSettings s = settings("Handshake = x");
        TcpTransport server = echoServer(s);
        BlockingQueue<String> got = new ArrayBlockingQueue<>(4);
        BlockingQueue<Endpoint> from = new ArrayBlockingQueue<>(4);
        TcpTransport client = TcpTransport.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), s);
        toClose.add(client);
        client.start((source, buffer, offset, length) -> {
            from.add(source);
            got.add(new String(buffer, offset, length, StandardCharsets.UTF_8));
        });
        Endpoint target = Endpoint.of("tcp", InetAddress.getLoopbackAddress(), server.localEndpoint().port());
        byte[] hello = "hello over tcp".getBytes(StandardCharsets.UTF_8);
        assertThat(client.send(target, hello, 0, hello.length)).isTrue();   // queued while connecting
        assertThat(got.poll(WAIT_MS, TimeUnit.MILLISECONDS)).isEqualTo("hello over tcp");
        assertThat(from.poll()).isEqualTo(target);
        assertThat(client.send(target, hello, 0, 5)).isTrue();
        assertThat(got.poll(WAIT_MS, TimeUnit.MILLISECONDS)).isEqualTo("hello");
        assertThat(client.counters()).containsEntry("dialled", 1L);
        assertThat(server.counters()).containsEntry("accepted", 1L).containsEntry("closed_bad_handshake", 0L);
    }

    @Test
    void aClientThatConnectedInIsNeverDialledBack() throws Exception {
        TcpTransport t = echoServer(TcpSettings.DEFAULTS);
        Socket s = connect(t);
        assertEchoes(s, "hi");
        Endpoint client = Endpoint.of("tcp", s.getLocalAddress(), s.getLocalPort());
        s.close();
        await(() -> t.counters().get("connections_open") == 0L);
        assertThat(t.send(client, new byte[] {1}, 0, 1)).isFalse();
        assertThat(t.counters()).containsEntry("dialled", 0L).containsEntry("send_no_connection", 1L);
    }

    @Test
    void aPeerThatStopsReadingCostsAtMostTheSendBuffer() throws Exception {
        TcpTransport t = TcpTransport.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                settings("SendBuffer = 8192", "MaxFrame = 1500"));
        toClose.add(t);
        BlockingQueue<Endpoint> sources = new ArrayBlockingQueue<>(4);
        t.start((source, buffer, offset, length) -> sources.add(source));
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress(t.localEndpoint().ip(), t.localEndpoint().port()));
        toClose.add(s);
        writeFrame(s, new byte[] {42});
        Endpoint peer = sources.poll(WAIT_MS, TimeUnit.MILLISECONDS);
        byte[] payload = new byte[1400];
        int refused = 0;
        for (int i = 0; i < 10_000 && refused < 10; i++) {
            if (!t.send(peer, payload, 0, payload.length)) {
                refused++;
            }
        }
        assertThat(refused).isEqualTo(10);
        assertThat(t.counters().get("send_dropped_full")).isEqualTo(10L);
        assertThat(t.counters()).containsEntry("connections_open", 1L);
        // the connection is intact: the queued frames drain once the peer reads
        assertThat(readFrame(s)).hasSize(1400);
    }

    @Test
    void ipv6() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        TcpTransport t;
        try {
            t = TcpTransport.bind(new InetSocketAddress(v6, 0), TcpSettings.DEFAULTS);
        } catch (IOException noIpv6) {
            org.junit.jupiter.api.Assumptions.abort("no IPv6 loopback here: " + noIpv6.getMessage());
            return;
        }
        toClose.add(t);
        BlockingQueue<Endpoint> sources = new ArrayBlockingQueue<>(4);
        t.start((source, buffer, offset, length) -> {
            sources.add(source);
            t.send(source, Arrays.copyOfRange(buffer, offset, offset + length), 0, length);
        });
        Socket s = connect(t);
        assertEchoes(s, "v6");
        Endpoint source = sources.poll(WAIT_MS, TimeUnit.MILLISECONDS);
        assertThat(source.ip()).isInstanceOf(Inet6Address.class);
        assertThat(source.toString()).startsWith("tcp://[0:0:0:0:0:0:0:1]:");
        assertThat(Endpoint.parse(source.toString())).isEqualTo(source);
    }

    @Test
    void badSettingsNameFileLineAndKey() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> settings("MaxFrame = 70000"))
                .hasMessage("test.conf:2: [Plugin.tcp] MaxFrame: '70000' is outside 148-65535");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> settings("IdleTimeout = 3", "MaxConection = 4"))
                .hasMessageStartingWith("test.conf:3: [Plugin.tcp] MaxConection: unknown key for plugin tcp; known: MaxConnections");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> settings("Handshake = " + "x".repeat(33)))
                .hasMessage("test.conf:2: [Plugin.tcp] Handshake: is 33 bytes; udptunnel's handshake string has at most 32");
    }
}
