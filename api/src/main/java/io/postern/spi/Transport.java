package io.postern.spi;

import io.postern.net.Endpoint;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A bound datagram transport (a UDP socket, a TCP listener and its connections...): sends to endpoints and delivers what it receives to a
 * {@link DatagramReceiver} on its own receive thread(s). Thread-safe.
 */
public interface Transport extends AutoCloseable {
    /** @return the local address actually bound (the real port when 0 was asked for) */
    Endpoint localEndpoint();

    /**
     * Starts the receive loop(s). The loop never dies on bad input: what the receiver rejects is
     * the receiver's business, and an I/O error on one datagram is counted and logged, not fatal.
     */
    void start(DatagramReceiver receiver);

    /**
     * The checks every implementation's {@link #start} makes first, in one place: a receiver is
     * given, the transport is not closed, and it starts only once ({@code started} is set here).
     *
     * @param local the transport's local endpoint, named in the messages
     * @throws NullPointerException  without a receiver
     * @throws IllegalStateException when the transport is closed or was already started
     */
    static void claimStart(DatagramReceiver receiver, AtomicBoolean closed, AtomicBoolean started, Endpoint local) {
        if (receiver == null) {
            throw new NullPointerException("receiver");
        }
        if (closed.get()) {
            throw new IllegalStateException("transport on " + local + " is closed");
        }
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("transport on " + local + " was already started");
        }
    }

    /**
     * Sends one datagram. Never blocks for long; a full socket buffer drops the datagram.
     *
     * @return {@code false} if it could not be sent (closed, unreachable, buffer full)
     */
    boolean send(Endpoint to, byte[] buffer, int offset, int length);

    /**
     * For a liveness probe: whether the receive loop(s) started by {@link #start} still run. The
     * default, for transports that cannot tell, is {@code true}.
     */
    default boolean receiving() {
        return true;
    }

    /** @return datagrams the transport itself failed to receive or send ({@code postern_transport_errors_total}) */
    default long errors() {
        return 0;
    }

    /**
     * @return the transport's own counters by name (e.g. connections closed per reason), for
     *         {@code show} and metrics; names are lower-case words joined by '_'
     */
    default java.util.Map<String, Long> counters() {
        return java.util.Map.of();
    }

    /** Stops receiving and releases the socket; idempotent. */
    @Override
    void close();
}
