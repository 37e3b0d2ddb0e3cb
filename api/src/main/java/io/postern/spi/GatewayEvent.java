package io.postern.spi;

import io.postern.event.DropReason;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import java.time.Instant;
import java.util.Locale;

/** Something that happened to a session. Events are immutable and carry no key material. */
public sealed interface GatewayEvent {
    /** @return when it happened (engine clock) */
    Instant at();

    /** Which side of the handshake this node was. */
    enum Role { INITIATOR, RESPONDER }

    /** A handshake finished and produced a keypair (for a responder: not yet confirmed). */
    record HandshakeCompleted(PublicKey peer, Endpoint endpoint, Role role, Instant at) implements GatewayEvent {}

    /** A keypair was confirmed by its first authenticated transport packet and became current. */
    record SessionConfirmed(PublicKey peer, Endpoint endpoint, Instant at) implements GatewayEvent {}

    /** A new identity performed an authenticated handshake at an endpoint bound to another identity. */
    record IdentityChangedAtEndpoint(Endpoint endpoint, PublicKey incumbent, PublicKey newcomer, String policy,
                                     PolicyDecision decision, Instant at) implements GatewayEvent {
        /**
         * @return the decision as {@code show} prints it for {@code peer}, the incumbent or the
         *         newcomer: "accept-and-keep-both by keep-both: Ab3d… appeared at 198.18.0.2:51820"
         *         and "… by keep-both: took over 198.18.0.2:51820 from Xy9z…"
         */
        public String describeFor(PublicKey peer) {
            String d = decision.name().toLowerCase(Locale.ROOT).replace('_', '-') + " by " + policy + ": ";
            return peer.equals(incumbent) ? d + newcomer.shortForm() + " appeared at " + endpoint
                    : d + "took over " + endpoint + " from " + incumbent.shortForm();
        }
    }

    /** A session was evicted: its keys were zeroed, its endpoint binding removed. */
    record SessionEvicted(PublicKey evicted, PublicKey replacement, Endpoint endpoint, String reason, Instant at)
            implements GatewayEvent {}

    /** A session's keys expired (REJECT_AFTER_TIME × 3 without a new handshake) and were zeroed. */
    record SessionExpired(PublicKey peer, Instant at) implements GatewayEvent {}

    /**
     * A handshake initiation that decrypted (its sender holds {@code peer}'s private key; the source
     * address may still be forged) was refused, e.g. a key the admission does not let in.
     */
    record HandshakeRefused(PublicKey peer, Endpoint endpoint, DropReason reason, Instant at) implements GatewayEvent {}

    /** A policy threw or answered null; the fallback decision was applied instead. */
    record PolicyFault(String policy, String error, PolicyDecision fallback, Instant at) implements GatewayEvent {}
}
