package io.postern.spi;

import io.postern.net.Endpoint;

/** Receives datagrams from a {@link Transport}. */
@FunctionalInterface
public interface DatagramReceiver {
    /**
     * Handles one datagram. Must not keep {@code buffer} after returning: the transport reuses it.
     * Must not throw; if it does, the transport logs and counts it and goes on.
     */
    void onDatagram(Endpoint source, byte[] buffer, int offset, int length);
}
