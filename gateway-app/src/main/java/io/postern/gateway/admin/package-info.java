/**
 * The local admin channel of a running gateway: a UNIX domain socket in the data directory
 * ({@value io.postern.gateway.admin.AdminServer#SOCKET_NAME}, mode 0600, never a network listener)
 * that {@code postern show}, {@code set} and {@code syncconf} talk to.
 *
 * <h2>Protocol</h2>
 * Modelled on WireGuard's cross-platform userspace API (wireguard.com/xplatform): one request per
 * connection; a message is UTF-8 {@code key=value} lines ended by an empty line; values never hold
 * a newline. The first line names the operation; a response always ends with {@code errno=0} (done)
 * or {@code errno=1} preceded by one {@code error=} line an operator can read. Keys are base64 as in
 * wg-quick files (not hex as in wg's UAPI). A private key never crosses the socket.
 *
 * <pre>
 * get=1                          → public_key=… listen_port=… listen_endpoint=… policy=… time_ms=…
 *                                  then per peer: peer=KEY endpoint=… allowed_ip=… (repeated)
 *                                  configured=true|false state=ESTABLISHED… last_handshake_ms=…
 *                                  rx_bytes=… tx_bytes=… persistent_keepalive_interval=…
 *                                  policy_decision=… policy_decision_ms=…
 * set=1                          ← per peer: peer=KEY, then remove=true, or any of endpoint=HOST:PORT,
 *                                  replace_allowed_ips=true with allowed_ip=CIDR lines,
 *                                  persistent_keepalive_interval=SECONDS, preshared_key=BASE64|none
 * syncconf=1                     ← every configured peer, each complete (as in set); peers not
 *                                  listed are removed → added=… removed=… updated=… unchanged=…
 * </pre>
 * Times are milliseconds since the epoch on the gateway's clock, so a client computes "12 seconds
 * ago" against {@code time_ms}, not its own clock.
 */
package io.postern.gateway.admin;
