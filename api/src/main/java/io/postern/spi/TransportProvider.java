package io.postern.spi;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Creates datagram transports. Postern ships {@code udp}. Public no-argument constructor.
 */
public interface TransportProvider {
    /** @return the stable name the configuration selects */
    String name();

    /** @return one sentence on what it carries datagrams over */
    String description();

    /**
     * Binds a transport to {@code local} (port 0: any free port). Nothing is received until
     * {@link Transport#start} is called.
     *
     * @throws IOException naming the address when it cannot be bound
     */
    Transport bind(InetSocketAddress local) throws IOException;
}
