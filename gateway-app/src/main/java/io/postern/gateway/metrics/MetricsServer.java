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
 * Serves {@code GET /metrics} over HTTP (the JDK's {@code com.sun.net.httpserver}), and the probes
 * of an orchestrator or load balancer: {@code GET /healthz} (the process and its packet threads are
 * alive) and {@code GET /readyz} (bound, started, not draining), each {@code 200 ok} or
 * {@code 503} with the reason. By default on a loopback address only: metrics tell who talks to the
 * gateway, so they stay on the machine (a local Prometheus, or a reverse proxy the operator chooses,
 * scrapes them). Another address only when the operator asked for it explicitly
 * ({@code postern up --metrics-listen}, e.g. for the probes of Kubernetes, which come to the pod address).
 */
public final class MetricsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
    /** The path scraped. */
    public static final String PATH = "/metrics";
    /** The liveness probe's path. */
    public static final String HEALTHZ = "/healthz";
    /** The readiness probe's path. */
    public static final String READYZ = "/readyz";

    /** A probe's answer: {@code ok}, or not with the reason (the body of the 503). */
    public record ProbeStatus(boolean ok, String reason) {
        /** Healthy or ready. */
        public static final ProbeStatus OK = new ProbeStatus(true, "ok");

        /** @return a failing status with {@code reason} */
        public static ProbeStatus failing(String reason) {
            return new ProbeStatus(false, reason);
        }
    }

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
        return start(address, false, scrape, () -> ProbeStatus.OK, () -> ProbeStatus.OK);
    }

    /**
     * Binds {@code address} and serves {@code scrape} at {@link #PATH}, {@code live} at
     * {@link #HEALTHZ} and {@code ready} at {@link #READYZ}.
     *
     * @param anyAddress whether the operator explicitly allowed an address that is not loopback
     * @throws IllegalArgumentException when the address is not loopback and {@code anyAddress} is false
     * @throws IOException              when it cannot be bound
     */
    public static MetricsServer start(InetSocketAddress address, boolean anyAddress, Supplier<String> scrape,
                                      Supplier<ProbeStatus> live, Supplier<ProbeStatus> ready) throws IOException {
        if (address.getAddress() == null || (!anyAddress && !address.getAddress().isLoopbackAddress())) {
            throw new IllegalArgumentException("metrics listen address " + address
                    + " is not a loopback address (127.0.0.1 or [::1]); metrics are served to the network only when"
                    + " asked explicitly (postern up --metrics-listen)");
        }
        HttpServer server = HttpServer.create(address, 0);
        // the Host check against DNS rebinding guards the loopback /metrics; probes and an explicitly
        // chosen address (where Host is the pod's address) go without it
        InetSocketAddress bound = anyAddress ? null : server.getAddress();
        server.createContext(PATH, exchange -> respond(exchange, PATH, scrape, PrometheusText.CONTENT_TYPE, () -> 200, bound));
        server.createContext(HEALTHZ, exchange -> probe(exchange, HEALTHZ, live));
        server.createContext(READYZ, exchange -> probe(exchange, READYZ, ready));
        server.setExecutor(null); // the server's own dispatcher thread: scrapes are rare and quick
        server.start();
        LOG.info("metrics listening url=http://{}{} probes={},{}", endpointText(server.getAddress()), PATH, HEALTHZ, READYZ);
        return new MetricsServer(server);
    }

    /** Answers a probe: 200 and {@code ok}, or 503 and the reason; probes are never logged (they come every few seconds). */
    private static void probe(HttpExchange exchange, String path, Supplier<ProbeStatus> probe) throws IOException {
        ProbeStatus[] status = new ProbeStatus[1];
        respond(exchange, path, () -> {
            status[0] = probe.get();
            return status[0].reason() + "\n";
        }, "text/plain; charset=utf-8", () -> status[0].ok() ? 200 : 503, null);
    }

    /** @param bound the address a request's Host must name, or null for no check */
    private static void respond(HttpExchange exchange, String path, Supplier<String> scrape, String contentType,
                                java.util.function.IntSupplier code, InetSocketAddress bound) throws IOException {
        try (exchange) {
            String host = exchange.getRequestHeaders().getFirst("Host");
            if (bound != null && !isBoundAddress(host, bound)) {
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
            if (!exchange.getRequestURI().getPath().equals(path)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] body = scrape.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            if (exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(code.getAsInt(), -1);
                return;
            }
            exchange.sendResponseHeaders(code.getAsInt(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } catch (RuntimeException e) {
            LOG.warn("metrics request failed path={}", path, e);
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
