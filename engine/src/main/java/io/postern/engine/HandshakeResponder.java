package io.postern.engine;

import io.postern.event.DropReason;
import io.postern.spi.GatewayEvent;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.spi.IdentityChange;
import io.postern.spi.PolicyDecision;
import io.postern.spi.SessionPolicy;
import io.postern.spi.crypto.HandshakeProtocol.Response;
import io.postern.spi.crypto.HandshakeProtocol.ResponderHandshake;
import io.postern.spi.crypto.HandshakeResult;
import io.postern.wire.HandshakeInitiation;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The responder role: authenticates an initiation step by step (mac1, then the Noise decryption,
 * admission, the TAI64N replay check, the per-peer rate), asks the session policy when the source
 * endpoint is bound to a live session of another identity, and answers at once. The new keypair
 * is kept as the peer's "next" until its first transport packet confirms it.
 *
 * <p>Nothing about any existing session changes before the initiation has authenticated, and
 * nothing about the incumbent changes here at all: eviction waits for the newcomer's confirmation.
 */
final class HandshakeResponder {
    private static final Logger LOG = LoggerFactory.getLogger(HandshakeResponder.class);
    private static final long INITIATION_MIN_INTERVAL = ProtocolConstants.INITIATION_MIN_INTERVAL.toMillis();

    private final EngineState s;
    private final SessionTeardown teardown;

    HandshakeResponder(EngineState state, SessionTeardown teardown) {
        this.s = state;
        this.teardown = teardown;
    }

    void onInitiation(Endpoint source, HandshakeInitiation initiation) {
        byte[] msg = initiation.bytes(); // mac1 verified by the engine before queueing
        HandshakeResult<ResponderHandshake> consumed = s.protocol.consumeInitiation(msg, 0, HandshakeInitiation.SIZE);
        if (!(consumed instanceof HandshakeResult.Success<ResponderHandshake>(ResponderHandshake hs))) {
            s.drop(DropReason.INITIATION_DECRYPT_FAILED, source);
            return;
        }
        List<GatewayEvent> events = new ArrayList<>(3);
        try {
            answer(source, hs, events);
        } finally {
            hs.destroy();
        }
        for (GatewayEvent e : events) {
            s.emit(e);
        }
    }

    private void answer(Endpoint source, ResponderHandshake hs, List<GatewayEvent> events) {
        PublicKey key = hs.remoteStatic();
        Peer peer = s.peers.get(key);
        if (key.equals(s.identity.publicKey()) || !admits(key, peer != null && peer.configured())) {
            s.drop(DropReason.NOT_ADMITTED, source);
            // the key is proven (the initiation decrypted): an operator needs it to tell a mistyped key
            s.emit(new GatewayEvent.HandshakeRefused(key, source, DropReason.NOT_ADMITTED, EngineState.instant(s.now())));
            return;
        }
        boolean created = false;
        if (peer == null) {
            if (s.dynamicPeers.get() >= s.settings.maxDynamicPeers() && !makeRoomForDynamicPeer()) {
                s.drop(DropReason.CAPACITY, source);
                return;
            }
            Peer fresh = s.newPeer(key, null);
            Peer existing = s.peers.putIfAbsent(key, fresh);
            if (existing == null) {
                s.dynamicPeers.incrementAndGet();
                peer = fresh;
                created = true;
            } else {
                peer = existing;
            }
        }
        Peer victim = peer.hasNoNext() ? s.halfOpen.victimFor(peer) : null;
        if (victim != null) {
            teardown.evictHalfOpen(victim); // outside the newcomer's monitor: one peer monitor at a time
        }
        byte[] response;
        long now = s.now();
        synchronized (peer) {
            Answer answer = respond(source, hs, peer, now, events);
            if (answer.refused() != null) {
                s.drop(answer.refused(), source);
                if (created && peer.hasNoKeys() && peer.inFlight() == null) {
                    s.forget(peer);
                }
                return;
            }
            response = answer.response();
        }
        LOG.debug("answered the handshake of {} at {}", peer, source);
        s.count(EngineCounter.HANDSHAKES_COMPLETED);
        peer.timers().anyAuthenticatedPacketTraversal(now);
        events.add(new GatewayEvent.HandshakeCompleted(key, source, GatewayEvent.Role.RESPONDER,
                EngineState.instant(now)));
        // Emit before the response leaves: the initiator's first transport packet can confirm the new
        // session on a receive thread (evicting an incumbent: SessionEvicted) before this handshake
        // worker continues, and listeners must see the policy decision before its consequences.
        for (GatewayEvent e : events) {
            s.emit(e);
        }
        events.clear();
        s.transmit(source, response, 0, response.length);
    }

    /** Either the response to send or why the initiation is refused. */
    private record Answer(byte[] response, DropReason refused) {
        static Answer refuse(DropReason reason) {
            return new Answer(null, reason);
        }
    }

    /** Caller holds the peer's monitor. */
    private Answer respond(Endpoint source, ResponderHandshake hs, Peer peer, long now, List<GatewayEvent> events) {
        if (peer.removed()) {
            return Answer.refuse(DropReason.NOT_ADMITTED);
        }
        if (peer.isReplayed(hs.timestamp())) {
            return Answer.refuse(DropReason.INITIATION_REPLAYED);
        }
        if (peer.initiationTooSoon(now, INITIATION_MIN_INTERVAL)) {
            return Answer.refuse(DropReason.INITIATION_FLOOD);
        }
        SessionKeyPair.EvictionMark mark = null;
        Peer incumbent = s.bindings.peerAt(source);
        if (incumbent != null && incumbent != peer && !incumbent.removed() && incumbent.hasLiveSession(now)) {
            long lastAuthenticated = incumbent.timers().lastAuthenticatedMillis();
            PolicyDecision decision = decide(new IdentityChange(source, incumbent.key(), peer.key(),
                    lastAuthenticated == PeerTimers.NEVER ? null : EngineState.instant(lastAuthenticated),
                    incumbent.configured(), peer.configured(), EngineState.instant(now)), events);
            GatewayEvent.IdentityChangedAtEndpoint change = new GatewayEvent.IdentityChangedAtEndpoint(source,
                    incumbent.key(), peer.key(), s.services.policy().name(), decision, EngineState.instant(now));
            incumbent.policyDecided(change.describeFor(incumbent.key()));
            peer.policyDecided(change.describeFor(peer.key()));
            events.add(change);
            if (decision == PolicyDecision.REJECT) {
                return Answer.refuse(DropReason.POLICY_REJECTED);
            }
            if (decision == PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION) {
                mark = new SessionKeyPair.EvictionMark(incumbent, source);
            }
        }
        int index = s.indices.reserve(peer);
        HandshakeResult<Response> r = hs.respond(peer.presharedKey(), index, null);
        if (!(r instanceof HandshakeResult.Success<Response>(Response response))) {
            s.indices.remove(index);
            return Answer.refuse(DropReason.INITIATION_DECRYPT_FAILED);
        }
        SessionKeyPair kp = new SessionKeyPair(peer, response.keys().sending(), response.keys().receiving(), index,
                hs.remoteIndex(), now, false, mark);
        peer.beginAsResponder(kp, hs.timestamp(), now);
        return new Answer(response.message(), null);
    }

    /**
     * The dynamic-peer table is full: the least recently answered dynamic peer that never confirmed
     * a session makes room. A peer with a confirmed session is never evicted for a newcomer.
     */
    private boolean makeRoomForDynamicPeer() {
        Peer victim = s.halfOpen.oldestUnconfirmedDynamic(null);
        return victim != null && teardown.evictHalfOpen(victim) && victim.removed();
    }

    private boolean admits(PublicKey key, boolean configured) {
        try {
            return s.services.admission().admits(key, configured);
        } catch (Throwable t) {
            LOG.error("admission {} failed for {}; refusing", s.services.admission().name(), key.shortForm(), t);
            return false;
        }
    }

    /**
     * Asks the policy; a policy that throws or answers null is a fault: logged, counted, reported
     * as an event, and the fallback policy's decision applies (if that fails too:
     * ACCEPT_AND_RESET_AFTER_CONFIRMATION).
     */
    private PolicyDecision decide(IdentityChange change, List<GatewayEvent> events) {
        SessionPolicy policy = s.services.policy();
        String error;
        try {
            PolicyDecision d = policy.onIdentityChange(change);
            if (d != null) {
                return d;
            }
            error = "returned null";
        } catch (Throwable t) {
            error = t.toString();
        }
        PolicyDecision fallback;
        try {
            fallback = s.services.fallbackPolicy().onIdentityChange(change);
        } catch (Throwable t) {
            fallback = null;
        }
        if (fallback == null) {
            fallback = PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION;
        }
        s.count(EngineCounter.POLICY_FAULTS);
        LOG.error("session policy {} failed ({}) on {} replacing {} at {}; applying {}", policy.name(), error,
                change.newcomer().shortForm(), change.incumbent().shortForm(), change.endpoint(), fallback);
        events.add(new GatewayEvent.PolicyFault(policy.name(), error, fallback, change.now()));
        return fallback;
    }
}
