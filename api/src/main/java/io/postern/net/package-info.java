/**
 * Network value types: a peer's UDP {@link io.postern.net.Endpoint} and the {@link io.postern.net.IpPrefix}
 * of its AllowedIPs. (Receiver indices stay raw {@code int}s: the hot paths use nothing else.)
 */
package io.postern.net;
