package io.postern.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

public class MetricsEndpointTest {

    /** GET or POST over HTTP with the JDK's URLConnection (java.net.http is not read by the module under test). */
    public static Response http(String method, int port) throws java.io.IOException {
        return http(method, port, MetricsServer.PATH);
    }

    /** As {@link #http(String, int)} on {@code path}; the body of an error response too. */
    public static Response http(String method, int port, String path) throws java.io.IOException {
        java.net.HttpURLConnection c = (java.net.HttpURLConnection) URI.create("http://127.0.0.1:" + port + path)
                .toURL().openConnection();
        c.setRequestMethod(method);
        c.setConnectTimeout(15_000);
        c.setReadTimeout(15_000);
        try {
            int code = c.getResponseCode();
            java.io.InputStream in = code < 400 ? c.getInputStream() : c.getErrorStream();
            String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new Response(code, c.getContentType(), body);
        } finally {
            c.disconnect();
        }
    }

    public record Response(int statusCode, String contentType, String body) {}

    @Test
    void servesTheTextFormatOnLoopbackOnly() throws Exception {
        try (MetricsServer server = MetricsServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                () -> new PrometheusText().family("x_total", "counter", "An \"x\".").sample("x_total", 3, "l", "a\"b").toString())) {
            Response r = http("GET", server.address().getPort());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.contentType()).isEqualTo(PrometheusText.CONTENT_TYPE);
            assertThat(r.body()).isEqualTo("# HELP x_total An \"x\".\n# TYPE x_total counter\nx_total{l=\"a\\\"b\"} 3\n");
            assertThat(http("DELETE", server.address().getPort()).statusCode()).isEqualTo(405);
        }
        assertThatThrownBy(() -> MetricsServer.start(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0), () -> ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a loopback address");
        assertThatThrownBy(() -> MetricsServer.start(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0), false,
                () -> "", () -> MetricsServer.ProbeStatus.OK, () -> MetricsServer.ProbeStatus.OK))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--metrics-listen");
    }

    @Test
    void probesAnswer200OrThe503Reason() throws Exception {
        java.util.concurrent.atomic.AtomicReference<MetricsServer.ProbeStatus> ready =
                new java.util.concurrent.atomic.AtomicReference<>(MetricsServer.ProbeStatus.OK);
        // any address: allowed because asked explicitly (the wildcard is reachable on 127.0.0.1 too)
        try (MetricsServer server = MetricsServer.start(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0), true,
                () -> "", () -> MetricsServer.ProbeStatus.OK, ready::get)) {
            int port = server.address().getPort();
            assertThat(http("GET", port, MetricsServer.HEALTHZ)).isEqualTo(new Response(200, "text/plain; charset=utf-8", "ok\n"));
            assertThat(http("GET", port, MetricsServer.READYZ).statusCode()).isEqualTo(200);
            ready.set(MetricsServer.ProbeStatus.failing("draining"));
            assertThat(http("GET", port, MetricsServer.READYZ)).isEqualTo(new Response(503, "text/plain; charset=utf-8", "draining\n"));
            assertThat(http("HEAD", port, MetricsServer.READYZ).statusCode()).isEqualTo(503);
            assertThat(http("GET", port, MetricsServer.HEALTHZ).statusCode()).isEqualTo(200);
            assertThat(http("GET", port, "/readyz/x").statusCode()).isEqualTo(404);
            assertThat(http("GET", port, "/other").statusCode()).isEqualTo(404);
        }
    }

    /** One raw HTTP/1.1 request with the given Host header (null: none); returns the status code. */
    private static int statusWithHost(int port, String host) throws java.io.IOException {
        try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(15_000);
            String request = "GET /metrics HTTP/1.1\r\n" + (host == null ? "" : "Host: " + host + "\r\n")
                    + "Connection: close\r\n\r\n";
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            String status = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            return Integer.parseInt(status.split(" ")[1]);
        }
    }

    @Test
    void refusesAHostHeaderOtherThanItsBoundAddress() throws Exception {
        try (MetricsServer server = MetricsServer.start(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0),
                () -> "x 1\n")) {
            int port = server.address().getPort();
            assertThat(statusWithHost(port, "127.0.0.1:" + port)).isEqualTo(200);
            assertThat(statusWithHost(port, "127.0.0.1")).isEqualTo(200);
            assertThat(statusWithHost(port, "attacker.example:" + port)).as("DNS rebinding").isEqualTo(421);
            assertThat(statusWithHost(port, "localhost.attacker.example")).isEqualTo(421);
            assertThat(statusWithHost(port, "127.0.0.2:" + port)).isEqualTo(421);
            assertThat(statusWithHost(port, null)).isIn(400, 421);
        }
    }
}
