package io.postern.spi;

import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import java.time.Instant;
import java.util.Objects;

/**
 * A newcomer identity performed an authenticated handshake from an endpoint that a live session of
 * another identity (the incumbent) is bound to.
 *
 * <p>The two bindings are not equally proven. The newcomer's initiation came from the endpoint (a
 * handshake at it; the engine evicts anyone only once the newcomer confirms from there). The
 * incumbent's binding is either {@link Binding#HANDSHAKE} — its session's handshake happened at the
 * endpoint — or {@link Binding#ROAMING}: it shook hands elsewhere and then sent authenticated packets
 * from this endpoint. An authenticated packet proves the key, not the source address, so a roamed
 * binding is weaker evidence that the endpoint is the incumbent's (the engine already refuses to let
 * roaming take a binding held by another live session).
 *
 * @param endpoint                   the shared endpoint (source IP:port of the initiation)
 * @param incumbent                  the identity whose session is bound to the endpoint
 * @param newcomer                   the identity that just sent a valid initiation from it
 * @param incumbentLastAuthenticated when the incumbent last sent an authenticated packet
 * @param incumbentConfigured        whether the incumbent is a configured ({@code [Peer]}) peer
 * @param newcomerConfigured         whether the newcomer is a configured peer
 * @param now                        the engine's clock at the time of the question
 * @param incumbentBinding           how the incumbent's session came to be bound to the endpoint
 *                                   (added after the first release; see the seven-argument constructor)
 */
public record IdentityChange(Endpoint endpoint, PublicKey incumbent, PublicKey newcomer,
                             Instant incumbentLastAuthenticated, boolean incumbentConfigured,
                             boolean newcomerConfigured, Instant now, Binding incumbentBinding) {

    /** How a session came to be bound to an endpoint. */
    public enum Binding {
        /** Its handshake happened at the endpoint (initiation or response from there). */
        HANDSHAKE,
        /** It shook hands elsewhere and roamed here: an authenticated packet came from the endpoint. */
        ROAMING
    }

    public IdentityChange {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(incumbent, "incumbent");
        Objects.requireNonNull(newcomer, "newcomer");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(incumbentBinding, "incumbentBinding");
    }

    /**
     * The form before {@code incumbentBinding} existed, kept so that plugins and tests built
     * against it still compile and link: the incumbent's binding is taken as {@link Binding#HANDSHAKE}.
     */
    public IdentityChange(Endpoint endpoint, PublicKey incumbent, PublicKey newcomer,
                          Instant incumbentLastAuthenticated, boolean incumbentConfigured,
                          boolean newcomerConfigured, Instant now) {
        this(endpoint, incumbent, newcomer, incumbentLastAuthenticated, incumbentConfigured, newcomerConfigured,
                now, Binding.HANDSHAKE);
    }

    /** @return whether the incumbent's session shook hands at the endpoint (not merely roamed there) */
    public boolean incumbentShookHandsHere() {
        return incumbentBinding == Binding.HANDSHAKE;
    }
}
