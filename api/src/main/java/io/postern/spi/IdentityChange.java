package io.postern.spi;

import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import java.time.Instant;
import java.util.Objects;

/**
 * A newcomer identity performed an authenticated handshake from an endpoint that a live session of
 * another identity (the incumbent) is bound to.
 *
 * @param endpoint                   the shared endpoint (source IP:port of the initiation)
 * @param incumbent                  the identity whose session is bound to the endpoint
 * @param newcomer                   the identity that just sent a valid initiation from it
 * @param incumbentLastAuthenticated when the incumbent last sent an authenticated packet
 * @param incumbentConfigured        whether the incumbent is a configured ({@code [Peer]}) peer
 * @param newcomerConfigured         whether the newcomer is a configured peer
 * @param now                        the engine's clock at the time of the question
 */
public record IdentityChange(Endpoint endpoint, PublicKey incumbent, PublicKey newcomer,
                             Instant incumbentLastAuthenticated, boolean incumbentConfigured,
                             boolean newcomerConfigured, Instant now) {
    public IdentityChange {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(incumbent, "incumbent");
        Objects.requireNonNull(newcomer, "newcomer");
        Objects.requireNonNull(now, "now");
    }
}
