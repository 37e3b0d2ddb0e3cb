package io.postern.engine;

import io.postern.event.DropReason;
import io.postern.spi.GatewayEvent;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.spi.IdentityChange;
import io.postern.spi.PolicyDecision;
import io.postern.spi.crypto.HandshakeProtocol.Response;
import io.postern.spi.crypto.HandshakeProtocol.ResponderHandshake;
import io.postern.spi.crypto.HandshakeRejection;
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
    private static final long DYNAMIC_PEER_IDLE = ProtocolConstants.DYNAMIC_PEER_IDLE.toMillis();
    private static final long COOKIE_REFRESH = ProtocolConstants.COOKIE_REFRESH_TIME.toMillis();

    private final EngineState s;
    private final SessionTeardown teardown;

    HandshakeResponder(EngineState state, SessionTeardown teardown) {
        this.s = state;
        this.teardown = teardown;
    }

    void onInitiation(Endpoint source, HandshakeInitiation initiation) {
        byte[] msg = initiation.bytes(); // mac1 verified by the engine before queueing
        // admission is asked as soon as the static key is decrypted, before the static-static DH: a
        // forged initiation from a key nobody admitted costs one DH (and is never cached)
        PublicKey[] refused = new PublicKey[1];
        HandshakeResult<ResponderHandshake> consumed = s.protocol.consumeInitiation(msg, 0, HandshakeInitiation.SIZE,
                key -> {
                    boolean ok = admitted(key);
                    refused[0] = ok ? null : key;
                    return ok;
                });
        if (consumed instanceof HandshakeResult.Failure<ResponderHandshake>(HandshakeRejection why)
                && why == HandshakeRejection.NOT_ADMITTED) {
            s.drop(DropReason.NOT_ADMITTED, source);
            if (refused[0] != null) {
                // the key decrypted under DH(our static, its ephemeral): claimed, not yet proven (that
                // takes the static-static DH this refusal saves); an operator needs it to spot a mistyped key
                s.emit(new GatewayEvent.HandshakeRefused(refused[0], source, DropReason.NOT_ADMITTED,
                        s.clock.instant()));
            }
            return;
        }
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
            s.emit(new GatewayEvent.HandshakeRefused(key, source, DropReason.NOT_ADMITTED, s.clock.instant()));
            return;
        }
        byte[] response;
        long now = s.now();
        // The policy is asked holding no peer monitor (a slow policy must not hold up the peers'
        // timers, senders and receivers); everything it depends on is checked again afterwards.
        DropReason early;
        if (peer != null) {
            synchronized (peer) {
                early = precheck(hs, peer, now);
            }
        } else { // an unknown key: only a forgotten peer's remembered timestamp can make it a replay
            early = s.replayMemory.isReplayed(key, hs.timestamp()) ? DropReason.INITIATION_REPLAYED : null;
        }
        if (early != null) {
            s.drop(early, source);
            return;
        }
        PolicyGuard.Verdict verdict = null;
        EndpointBindings.Binding binding = s.bindings.at(source);
        Peer incumbent = binding == null ? null : binding.peer();
        if (incumbent != null && incumbent != peer && !incumbent.removed() && incumbent.hasLiveSession(now)) {
            long lastAuthenticated = incumbent.timers().lastAuthenticatedMillis();
            verdict = s.policy.decide(new IdentityChange(source, incumbent.key(), key,
                    lastAuthenticated == PeerTimers.NEVER ? null : s.instant(lastAuthenticated),
                    incumbent.configured(), peer != null && peer.configured(), s.instant(now),
                    binding.handshake() ? IdentityChange.Binding.HANDSHAKE : IdentityChange.Binding.ROAMING));
            if (verdict.fault() != null) {
                events.add(verdict.fault());
            }
        } else {
            incumbent = null;
        }
        // Only now, with the replay, flood and policy checks passed, may anything change: a replayed
        // initiation or a rejected newcomer creates no peer, makes no room in the dynamic-peer table
        // and evicts no one's half-open handshake.
        boolean created = false;
        if (peer == null) {
            if (verdict != null && verdict.decision() == PolicyDecision.REJECT) {
                decided(source, incumbent, key, null, PolicyDecision.REJECT, now, events);
                s.replayMemory.remember(key, hs.timestamp()); // a replay of it costs nothing more
                s.drop(DropReason.POLICY_REJECTED, source);
                return; // the caller emits the decision's event
            }
            Peer fresh = createDynamicPeer(key, source);
            if (fresh == null) {
                s.drop(DropReason.CAPACITY, source);
                return;
            }
            peer = s.peers.putIfAbsent(key, fresh);
            if (peer == null) {
                s.dynamicPeers.incrementAndGet();
                peer = fresh;
                created = true;
            } else { // a concurrent initiation of the same key created it meanwhile
                s.quotas.release(fresh.takeOrigin());
            }
        }
        if (verdict == null || verdict.decision() != PolicyDecision.REJECT) {
            Peer victim = peer.hasNoNext() ? s.halfOpen.victimFor(peer) : null;
            if (victim != null) {
                teardown.evictHalfOpen(victim); // outside the newcomer's monitor: one peer monitor at a time
            }
        }
        synchronized (peer) {
            Answer answer = respond(source, hs, peer, now, incumbent, verdict, events);
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
        peer.timers().anyAuthenticatedPacketReceived(now); // wireguard-go: the initiation authenticated
        peer.timers().anyAuthenticatedPacketSent(); // the response stands in for the passive keepalive
        peer.timers().handshakeResponseSent(now);
        events.add(new GatewayEvent.HandshakeCompleted(key, source, GatewayEvent.Role.RESPONDER,
                s.instant(now)));
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

    /** @return why the initiation is refused before any policy is asked, or null; caller holds the peer's monitor */
    private static DropReason precheck(ResponderHandshake hs, Peer peer, long now) {
        if (peer.removed()) {
            return DropReason.NOT_ADMITTED;
        }
        if (peer.isReplayed(hs.timestamp())) {
            return DropReason.INITIATION_REPLAYED;
        }
        if (peer.initiationTooSoon(now, INITIATION_MIN_INTERVAL)) {
            return DropReason.INITIATION_FLOOD;
        }
        return null;
    }

    /**
     * Caller holds the peer's monitor. {@code verdict} is the policy's answer about {@code incumbent}
     * (both null when the endpoint was not bound to another live session).
     */
    private Answer respond(Endpoint source, ResponderHandshake hs, Peer peer, long now, Peer incumbent,
                           PolicyGuard.Verdict verdict, List<GatewayEvent> events) {
        DropReason again = precheck(hs, peer, now); // a concurrent initiation of this peer may have won meanwhile
        if (again != null) {
            return Answer.refuse(again);
        }
        SessionKeyPair.EvictionMark mark = null;
        if (verdict != null) {
            PolicyDecision decision = verdict.decision();
            decided(source, incumbent, peer.key(), peer, decision, now, events);
            if (decision == PolicyDecision.REJECT) {
                peer.initiationRefused(hs.timestamp(), now); // a replay of it costs nothing more
                return Answer.refuse(DropReason.POLICY_REJECTED);
            }
            if (decision == PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION) {
                mark = new SessionKeyPair.EvictionMark(incumbent, source);
            }
        }
        int index = s.indices.reserve(peer);
        // mac2 from the cookie the peer gave us, if fresh (wireguard-go AddMacs in SendHandshakeResponse)
        HandshakeResult<Response> r = hs.respond(peer.presharedKey(), index, peer.freshCookie(now, COOKIE_REFRESH));
        if (!(r instanceof HandshakeResult.Success<Response>(Response response))) {
            s.indices.remove(index);
            return Answer.refuse(DropReason.INITIATION_DECRYPT_FAILED);
        }
        SessionKeyPair kp = new SessionKeyPair(peer, response.keys().sending(), response.keys().receiving(), index,
                hs.remoteIndex(), now, false, mark, source);
        peer.beginAsResponder(kp, hs.timestamp(), now);
        peer.handshakeSent(response.message());
        return new Answer(response.message(), null);
    }

    /** Records the policy's decision about {@code newcomer} at {@code source} (for show, and as an event). */
    private void decided(Endpoint source, Peer incumbent, PublicKey newcomer, Peer newcomerPeer,
                         PolicyDecision decision, long now, List<GatewayEvent> events) {
        GatewayEvent.IdentityChangedAtEndpoint change = new GatewayEvent.IdentityChangedAtEndpoint(source,
                incumbent.key(), newcomer, s.policy.policyName(), decision, s.instant(now));
        incumbent.policyDecided(change.describeFor(incumbent.key()));
        if (newcomerPeer != null) {
            newcomerPeer.policyDecided(change.describeFor(newcomer));
        }
        events.add(change);
    }

    /**
     * Makes the dynamic peer of an unknown key that passed every check (not yet in the peer table):
     * within its source's quota, making room when the table is full.
     *
     * @return the peer holding its quota slot, or null when there is no room
     */
    private Peer createDynamicPeer(PublicKey key, Endpoint source) {
        SourcePrefix origin = s.quotas.tryAcquire(SourcePrefix.of(source.ip())); // shared by the source's peers
        if (origin == null) { // one source may not hold the whole table
            return null;
        }
        if (s.dynamicPeers.get() >= s.settings.maxDynamicPeers() && !makeRoomForDynamicPeer()) {
            s.quotas.release(origin);
            return null;
        }
        Peer fresh = s.newPeer(key, null);
        fresh.origin(origin);
        return fresh;
    }

    /**
     * The dynamic-peer table is full: the least recently answered dynamic peer that never confirmed
     * a session makes room; without one, the confirmed dynamic peer least recently authenticated,
     * if it has been idle for {@link ProtocolConstants#DYNAMIC_PEER_IDLE}. A configured peer is
     * never displaced, nor a dynamic peer that is in use.
     */
    private boolean makeRoomForDynamicPeer() {
        Peer victim = s.halfOpen.oldestUnconfirmedDynamic(null);
        if (victim != null && teardown.evictHalfOpen(victim) && victim.removed()) {
            return true;
        }
        EvictedSessions.Kept kept = s.evicted.takeOldestDynamic(); // an evicted session nobody contested yet
        if (kept != null) {
            teardown.dropKept(kept);
            return true;
        }
        long idleBefore = s.now() - DYNAMIC_PEER_IDLE;
        Peer idlest = null;
        for (Peer p : s.peers.values()) { // only when full and nothing unconfirmed is left
            long last = p.timers().lastAuthenticatedMillis();
            if (!p.configured() && !p.removed() && last < idleBefore
                    && (idlest == null || last < idlest.timers().lastAuthenticatedMillis())) {
                idlest = p;
            }
        }
        if (idlest == null) {
            return false;
        }
        LOG.debug("dynamic-peer table full: evicting {}, idle since {}", idlest, idlest.timers().lastAuthenticatedMillis());
        teardown.remove(idlest);
        s.count(EngineCounter.IDLE_DYNAMIC_PEERS_EVICTED);
        return idlest.removed();
    }

    /** @return whether {@code key} may handshake: not our own, and admitted */
    private boolean admitted(PublicKey key) {
        Peer peer = s.peers.get(key);
        return !key.equals(s.identity.publicKey()) && admits(key, peer != null && peer.configured());
    }

    private boolean admits(PublicKey key, boolean configured) {
        try {
            return s.services.admission().admits(key, configured);
        } catch (Throwable t) {
            LOG.error("admission {} failed for {}; refusing", s.services.admission().name(), key.shortForm(), t);
            return false;
        }
    }
}
