package io.postern.engine;

import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.net.IpPrefix;
import java.time.Instant;
import java.util.List;

/**
 * A snapshot of one peer, for {@code show}, tests and metrics.
 *
 * @param publicKey          the peer's identity
 * @param endpoint           its current endpoint, or null
 * @param allowedIps         its AllowedIPs
 * @param configured         whether it comes from a {@code [Peer]} section (else admitted by open admission)
 * @param state              its session state
 * @param lastHandshake      when its last handshake completed, or null
 * @param rxBytes            transport bytes received (authenticated)
 * @param txBytes            transport bytes sent
 * @param lastPolicyDecision a short text of the last policy decision about it, or null
 */
public record PeerStatus(PublicKey publicKey, Endpoint endpoint, List<IpPrefix> allowedIps, boolean configured,
                         SessionState state, Instant lastHandshake, long rxBytes, long txBytes,
                         String lastPolicyDecision) {}
