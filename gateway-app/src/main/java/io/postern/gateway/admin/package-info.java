/**
 * What the CLI shows of a running gateway: {@link io.postern.gateway.admin.GatewayStatus}, read from
 * WireGuard's userspace API (see {@link io.postern.gateway.uapi}), which the gateway serves on its
 * admin socket {@code DATA_DIR/postern.sock} (mode 0600, never a network listener) and, for wg, on
 * {@code /var/run/wireguard/NAME.sock}.
 */
package io.postern.gateway.admin;
