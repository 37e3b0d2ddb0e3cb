/**
 * An example Postern transport plugin: the {@code unix} transport, WireGuard datagrams framed with a
 * 16-bit big-endian length over a UNIX domain socket. It reads only the contract
 * ({@code io.postern.api}) and exports nothing: the gateway finds it through {@code provides}.
 */
module org.example.unixtransport {
    requires io.postern.api;

    provides io.postern.spi.TransportProvider with org.example.unixtransport.UnixTransportProvider;
}
