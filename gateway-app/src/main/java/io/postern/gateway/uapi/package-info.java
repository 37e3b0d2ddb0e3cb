/**
 * WireGuard's cross-platform userspace API (wireguard.com/xplatform), served byte for byte on a UNIX
 * socket so that stock {@code wg show}, {@code wg set}, {@code wg syncconf} and {@code wg showconf}
 * (and every exporter built on {@code wg show all dump}) manage Postern as they manage wireguard-go.
 *
 * <p>{@link io.postern.gateway.uapi.UapiServer} owns the socket and the wire format;
 * {@link io.postern.gateway.uapi.UapiDevice} is what it serves (the gateway implements it over its
 * engine; a TUN-only device can implement it too); {@link io.postern.gateway.uapi.UapiSet} is one
 * parsed {@code set=1} request, checked whole before anything changes;
 * {@link io.postern.gateway.uapi.UapiClient} is the client side that {@code postern show/set/syncconf} use.
 *
 * <h2>Protocol (as wireguard-go's {@code device/uapi.go} speaks it)</h2>
 * <pre>
 * get=1\n\n  → private_key=HEX listen_port=N [fwmark=N]
 *              then per peer: public_key=HEX preshared_key=HEX protocol_version=1 [endpoint=IP:PORT]
 *              last_handshake_time_sec=N last_handshake_time_nsec=N tx_bytes=N rx_bytes=N
 *              persistent_keepalive_interval=N allowed_ip=CIDR…
 *              errno=0\n\n
 * set=1\n…\n → errno=0\n\n, or errno=-22 (EINVAL: a bad key or value), -71 (EPROTO: a line without '='),
 *              -98 (EADDRINUSE: listen_port cannot be bound), -5 (EIO), -55 (anything else)
 * </pre>
 * Keys are lower-case hex. Several operations may follow each other on one connection; an unknown
 * operation closes it. Postern adds its own keys (prefixed {@code postern_}) to {@code get}'s answer:
 * {@code wg} ignores keys it does not know.
 */
package io.postern.gateway.uapi;
