package io.postern.engine;

import io.postern.event.DropReason;
import io.postern.spi.GatewayEvent;
import io.postern.net.Endpoint;
import io.postern.spi.crypto.HandshakeProtocol.InitiatorHandshake;
import io.postern.spi.crypto.HandshakeProtocol.SessionKeys;
import io.postern.spi.crypto.HandshakeResult;
import io.postern.wire.HandshakeResponse;
import io.postern.wire.Tai64n;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The initiator role: sends initiations (with a cookie when one is held), retransmits them every
 * REKEY_TIMEOUT + jitter until REKEY_ATTEMPT_TIME, and completes them with the response — the new
 * keypair becomes current at once (WireGuard paper §5.4.3; wireguard-go {@code noise-protocol.go},
 * {@code send.go} SendHandshakeInitiation).
 */
final class HandshakeInitiator {
    private static final Logger LOG = LoggerFactory.getLogger(HandshakeInitiator.class);
    private static final long REKEY_TIMEOUT = ProtocolConstants.REKEY_TIMEOUT.toMillis();
    private static final long COOKIE_REFRESH = ProtocolConstants.COOKIE_REFRESH_TIME.toMillis();

    private final EngineState s;

    HandshakeInitiator(EngineState state) {
        this.s = state;
    }

    /**
     * Starts a new round of handshake attempts now, replacing any initiation in flight.
     *
     * @return whether an initiation was sent
     */
    boolean initiate(Peer peer) {
        synchronized (peer) {
            // the same gate as every other initiation (wireguard-go SendHandshakeInitiation): two
            // initiations within 16.8 ms would carry equal TAI64N, and the peer would refuse the second
            if (peer.timers().initiatedWithin(s.now(), REKEY_TIMEOUT)) {
                return false;
            }
            return send(peer, false);
        }
    }

    /**
     * Starts a handshake unless one is in flight or one was sent less than REKEY_TIMEOUT ago
     * (wireguard-go: SendHandshakeInitiation with isRetry = false).
     */
    boolean initiateIfIdle(Peer peer) {
        synchronized (peer) {
            if (peer.inFlight() != null || peer.endpoint() == null || peer.removed()) {
                return false;
            }
            if (peer.timers().initiatedWithin(s.now(), REKEY_TIMEOUT)) {
                return false;
            }
            return send(peer, false);
        }
    }

    /** Timer hook: retransmits a due initiation, or gives up after MAX_TIMER_HANDSHAKES retransmissions (~REKEY_ATTEMPT_TIME). */
    void retryIfDue(Peer peer, long now) {
        synchronized (peer) {
            HandshakeInFlight f = peer.inFlight();
            if (f == null || !peer.timers().retransmitDue(now)) {
                return;
            }
            if (f.retransmissions() >= ProtocolConstants.MAX_TIMER_HANDSHAKES) {
                int staged = peer.dropStaged();
                LOG.info("handshake abandoned peer={} endpoint={} after={}s staged_dropped={}", peer.key().shortForm(),
                        peer.endpoint(), ProtocolConstants.REKEY_ATTEMPT_TIME.toSeconds(), staged);
                s.count(EngineCounter.HANDSHAKES_ABANDONED);
                peer.abandonInitiation();
                return;
            }
            send(peer, true);
        }
    }

    private boolean send(Peer peer, boolean retry) {
        byte[] message;
        Endpoint to;
        long now;
        synchronized (peer) {
            to = peer.endpoint();
            if (to == null || peer.removed()) {
                return false;
            }
            now = s.now();
            HandshakeInFlight old = peer.inFlight();
            long attemptStart = retry && old != null ? old.attemptStartMillis() : now;
            int retransmissions = retry && old != null ? old.retransmissions() + 1 : 0;
            peer.abandonInitiation();
            int index = s.indices.reserve(peer);
            byte[] cookie = peer.freshCookie(now, COOKIE_REFRESH);
            HandshakeResult<InitiatorHandshake> r = s.protocol.initiate(peer.key(), peer.presharedKey(), index,
                    Tai64n.of(s.clock.instant()), cookie);
            if (!(r instanceof HandshakeResult.Success<InitiatorHandshake>(InitiatorHandshake h))) {
                s.indices.remove(index);
                LOG.warn("cannot initiate a handshake with {}: {}", peer, ((HandshakeResult.Failure<?>) r).reason());
                return false;
            }
            peer.initiated(new HandshakeInFlight(h, index, attemptStart, retransmissions), now);
            message = h.message();
            peer.handshakeSent(message);
            s.count(EngineCounter.HANDSHAKES_INITIATED);
            s.transmit(to, message, 0, message.length);
        }
        peer.timers().anyAuthenticatedPacketTraversal(now);
        peer.timers().anyAuthenticatedPacketSent();
        LOG.debug("sent handshake initiation to {} at {}{}", peer, to, retry ? " (retry)" : "");
        return true;
    }

    /**
     * Completes our handshake with its response: the keypair becomes current at once.
     *
     * @return the peer whose handshake completed (the caller sends its staged packets or a
     *         keepalive), or null when the response was dropped
     */
    Peer onResponse(Endpoint source, HandshakeResponse response) {
        byte[] msg = response.bytes(); // mac1 verified by the engine before queueing
        IndexTable.Entry entry = s.indices.lookup(response.receiver());
        if (entry == null || entry.keypair != null) {
            s.drop(DropReason.UNKNOWN_HANDSHAKE_INDEX, source);
            return null;
        }
        Peer peer = entry.peer;
        long now;
        synchronized (peer) {
            HandshakeInFlight f = peer.inFlight();
            if (f == null || f.index() != response.receiver() || peer.removed()) {
                s.drop(DropReason.UNKNOWN_HANDSHAKE_INDEX, source);
                return null;
            }
            HandshakeResult<SessionKeys> r = f.state().consumeResponse(msg, 0, HandshakeResponse.SIZE);
            if (!(r instanceof HandshakeResult.Success<SessionKeys>(SessionKeys keys))) {
                s.drop(DropReason.RESPONSE_INVALID, source);
                return null;
            }
            now = s.now();
            s.handshakeLatency.record(peer.timers().nanosSinceInitiation());
            SessionKeyPair kp = new SessionKeyPair(peer, keys.sending(), keys.receiving(), f.index(), response.sender(),
                    now, true, null, source);
            peer.beginAsInitiator(f, kp, now);
            // the response authenticated: roam to its source
            peer.moveTo(source, s.bindings, true); // the response came from there
            peer.timers().anyAuthenticatedPacketReceived(now);
        }
        s.count(EngineCounter.HANDSHAKES_COMPLETED);
        LOG.debug("handshake with {} completed (initiator) at {}", peer, source);
        s.emit(new GatewayEvent.HandshakeCompleted(peer.key(), source, GatewayEvent.Role.INITIATOR,
                s.instant(now)));
        return peer;
    }
}
