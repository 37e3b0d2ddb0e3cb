package io.postern.gateway.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code GET /metrics} over HTTP (the JDK's {@code com.sun.net.httpserver}) on a loopback
 * address only: metrics tell who talks to the gateway, so they stay on the machine (a local
 * Prometheus, or a reverse proxy the operator chooses, scrapes them).
 */
public final class MetricsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
    /** The path scraped. */
    public static final String PATH = "/metrics";

    private final HttpServer server;

    private MetricsServer(HttpServer server) {
        this.server = server;
    }

    /**
     * Binds {@code address} and serves what {@code scrape} returns.
     *
     * @throws IllegalArgumentException when the address is not a loopback address
     * @throws IOException              when it cannot be bound
     */
    public static MetricsServer start(InetSocketAddress address, Supplier<String> scrape) throws IOException {
        if (address.getAddress() == null || !address.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("metrics listen address " + address
                    + " is not a loopback address (127.0.0.1 or [::1]); metrics are never served to the network");
        }
        HttpServer server = HttpServer.create(address, 0);
        InetSocketAddress bound = server.getAddress();
        server.createContext(PATH, exchange -> respond(exchange, scrape, bound));
        server.setExecutor(null); // the server's own dispatcher thread: scrapes are rare and quick
        server.start();
        LOG.info("metrics listening url=http://{}{}", endpointText(server.getAddress()), PATH);
        return new MetricsServer(server);
    }

    private static void respond(HttpExchange exchange, Supplier<String> scrape, InetSocketAddress bound)
            throws IOException {
        try (exchange) {
            String host = exchange.getRequestHeaders().getFirst("Host");
            if (!isBoundAddress(host, bound)) {
                // DNS rebinding: a web page whose name now resolves to 127.0.0.1 reaches this port from
                // the browser, but its requests carry its own name as Host
                LOG.debug("metrics request refused host=\"{}\" remote={}", host, exchange.getRemoteAddress());
                exchange.sendResponseHeaders(421, -1);
                return;
            }
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            if (!exchange.getRequestURI().getPath().equals(PATH)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] body = scrape.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", PrometheusText.CONTENT_TYPE);
            if (exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } catch (RuntimeException e) {
            LOG.warn("metrics scrape failed", e);
            throw e;
        }
    }

    /**
     * @return whether a request's Host header names the bound address (with or without its port):
     *         scrapers address the listener by the address they were configured with; any other
     *         name, or none, is refused
     */
    static boolean isBoundAddress(String host, InetSocketAddress bound) {
        if (host == null) {
            return false;
        }
        String address = endpointText(bound);
        int colon = address.lastIndexOf(':');
        return host.equals(address) || host.equals(address.substring(0, colon));
    }

    /** @return the bound address (the real port when 0 was asked) */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private static String endpointText(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** Stops serving at once. */
    @Override
    public void close() {
        server.stop(0);
    }
}
