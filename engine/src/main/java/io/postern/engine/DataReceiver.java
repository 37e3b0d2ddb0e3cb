package io.postern.engine;

import io.postern.event.DropReason;
import io.postern.spi.GatewayEvent;
import io.postern.net.Endpoint;
import io.postern.spi.HandlerContext;
import io.postern.wire.DataMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives transport data (wireguard-go {@code device/receive.go}): receiver index → keypair, age
 * and counter limits, AEAD open into a per-thread scratch buffer, then — only once the packet
 * authenticated — the replay window, key confirmation (a "next" keypair becomes current, and a
 * pending eviction runs), roaming to the packet's source, counters and the packet handler.
 * A packet that fails any step is dropped and counted and changes nothing.
 */
final class DataReceiver {
    private static final Logger LOG = LoggerFactory.getLogger(DataReceiver.class);
    private static final long REJECT_AFTER_TIME = ProtocolConstants.REJECT_AFTER_TIME.toMillis();
    private static final long REKEY_ON_RECEIVE = ProtocolConstants.REKEY_ON_RECEIVE_AFTER_TIME.toMillis();
    /** One decrypted datagram per receiving thread: the data path allocates nothing per packet. */
    private static final ThreadLocal<byte[]> SCRATCH =
            ThreadLocal.withInitial(() -> new byte[ProtocolConstants.SCRATCH_SIZE]);

    private final EngineState s;
    private final HandshakeInitiator initiator;
    private final DataSender sender;
    private final SessionTeardown teardown;
    private final HandlerContext context;

    DataReceiver(EngineState state, HandshakeInitiator initiator, DataSender sender,
                      SessionTeardown teardown, HandlerContext context) {
        this.s = state;
        this.initiator = initiator;
        this.sender = sender;
        this.teardown = teardown;
        this.context = context;
    }

    /**
     * Transport data whose header is valid ({@code buffer[offset, offset+datagramLength)} is the
     * whole datagram; the receiver index and counter are read from it).
     */
    void onData(Endpoint source, byte[] buffer, int offset, int datagramLength, int receiverIndex,
                     long counter) {
        IndexTable.Entry entry = s.indices.lookup(receiverIndex);
        SessionKeyPair kp = entry == null ? null : entry.keypair;
        if (kp == null || kp.isDestroyed()) {
            s.drop(DropReason.UNKNOWN_RECEIVER_INDEX, source);
            return;
        }
        long now = s.now();
        if (Long.compareUnsigned(counter, ProtocolConstants.REJECT_AFTER_MESSAGES) >= 0
                || !kp.isYoungerThan(REJECT_AFTER_TIME, now)) {
            s.drop(DropReason.KEYS_EXPIRED, source);
            return;
        }
        byte[] plain = SCRATCH.get();
        int length = kp.open(counter, buffer, offset + DataMessage.HEADER_SIZE,
                datagramLength - DataMessage.HEADER_SIZE, plain, 0);
        if (length < 0) {
            s.drop(DropReason.DECRYPT_FAILED, source);
            return;
        }
        if (!kp.replay.accept(counter)) {
            s.drop(DropReason.REPLAYED, source);
            return;
        }
        // authenticated from here on
        Peer peer = kp.peer;
        if (kp.kept && !restore(peer, kp, source, now)) {
            s.drop(DropReason.KEYS_EXPIRED, source); // superseded by a newer session of the same key
            return;
        }
        boolean confirmed = peer.isNext(kp) && confirm(peer, kp, source, now);
        Endpoint known = peer.endpoint();
        if (known == null || !source.sameRoute(known) || s.bindings.peerAt(source) != peer) {
            roam(peer, kp, source, now);
        }
        peer.timers().anyAuthenticatedPacketReceived(now);
        peer.timers().anyAuthenticatedPacketTraversal(now);
        peer.countReceived(datagramLength);
        s.add(EngineCounter.BYTES_RECEIVED, datagramLength);
        s.count(EngineCounter.PACKETS_RECEIVED);
        if (confirmed) {
            sender.sendStaged(peer);
        }
        // wireguard-go keepKeyFreshReceiving runs for keepalives too
        if (kp.initiator && peer.isCurrent(kp) && now - kp.createdMillis >= REKEY_ON_RECEIVE) {
            initiator.initiateIfIdle(peer);
        }
        if (length == 0) {
            return; // keepalive
        }
        peer.timers().dataReceived(now);
        try {
            s.services.handler().onPacket(peer.key(), plain, 0, length, context);
        } catch (Throwable t) {
            // a handler failing on every packet must not log every packet: the drop's log line is rate-limited
            s.drop(DropReason.HANDLER_REJECTED, source, t);
        }
    }

    /**
     * Key confirmation: the responder's "next" keypair received its first packet and becomes
     * current; a pending eviction of the incumbent at that endpoint runs now (before the rebinding).
     */
    private boolean confirm(Peer peer, SessionKeyPair kp, Endpoint source, long now) {
        if (!peer.confirm(kp)) {
            return false;
        }
        synchronized (peer) {
            peer.abandonInitiation(); // wireguard-go timersHandshakeComplete: a session is confirmed, stop retrying ours
        }
        s.count(EngineCounter.SESSIONS_CONFIRMED);
        s.confirmationLatency.record(System.nanoTime() - kp.createdNanos);
        LOG.debug("session of {} confirmed at {}", peer, source);
        s.emit(new GatewayEvent.SessionConfirmed(peer.key(), source, s.instant(now)));
        SessionKeyPair.EvictionMark mark = kp.evictOnConfirmation;
        if (mark != null) {
            // Evict only what the restart case looks like: the confirmation comes from the endpoint
            // the handshake happened at, and the incumbent has authenticated nothing since that
            // handshake. A live incumbent (an on-path attacker replaced it while it kept talking)
            // keeps its session; both stay, as with keep-both.
            if (!source.equals(mark.endpoint())) {
                s.count(EngineCounter.EVICTIONS_DECLINED);
                LOG.debug("not evicting {}: {} confirmed from {}, not from {}", mark.incumbent(), peer, source,
                        mark.endpoint());
            } else if (mark.incumbent().timers().lastAuthenticatedMillis() > kp.createdMillis) {
                s.count(EngineCounter.EVICTIONS_DECLINED);
                LOG.debug("not evicting {}: it authenticated a packet after {}'s handshake", mark.incumbent(), peer);
            } else {
                teardown.evictStale(mark.incumbent(), peer, mark.endpoint());
            }
        }
        return true;
    }

    /**
     * An authenticated packet on a kept keypair of an evicted session: the incumbent was alive, so
     * the eviction is revoked — its keypairs take their slots back, a set-aside dynamic peer returns
     * to the peer table (in the slot it kept), and the endpoint it was evicted from is bound to it
     * again if the packet comes from there. The newcomer's session stays (as with keep-both).
     *
     * @return whether the session is live again (false: a newer session of the same key superseded it)
     */
    private boolean restore(Peer peer, SessionKeyPair kp, Endpoint source, long now) {
        EvictedSessions.Kept k = s.evicted.take(peer);
        if (k == null) {
            return !kp.kept; // a concurrent packet restored it (or it is being zeroed)
        }
        synchronized (peer) {
            if (peer.removed()) {
                if (!k.setAside() || s.peers.putIfAbsent(peer.key(), peer) != null) {
                    peer.discardKept(k.current(), k.previous()); // removed, or its key came back as a new peer
                    if (k.setAside()) {
                        s.releaseSetAside(peer);
                    }
                    return false;
                }
                peer.reinstated();
                s.replayMemory.take(peer.key());
            }
            if (!peer.restore(k.current(), k.previous())) {
                return false;
            }
            if (source.equals(k.endpoint())) {
                peer.moveTo(source, s.bindings, source.equals(kp.handshakeEndpoint));
            }
        }
        s.count(EngineCounter.EVICTIONS_CONTESTED);
        LOG.info("eviction contested: {} authenticated a packet on its evicted session, restored endpoint={}", peer,
                source);
        s.emit(new GatewayEvent.SessionConfirmed(peer.key(), source, s.instant(now)));
        return true;
    }

    /**
     * Roaming: the peer's endpoint follows its authenticated packets (replies go there, as in
     * WireGuard). The endpoint's binding — what the session policy is asked about when a new
     * identity appears there — moves with it only if no other live session holds it, or if this
     * keypair's handshake happened at that endpoint: one authenticated packet with a spoofed source
     * must not take over another peer's endpoint (its real occupant's restart would then evict the
     * wrong session).
     */
    private void roam(Peer peer, SessionKeyPair kp, Endpoint source, long now) {
        Peer holder = s.bindings.peerAt(source);
        boolean takesBinding = holder == null || holder == peer || holder.removed() || !holder.hasLiveSession(now)
                || source.equals(kp.handshakeEndpoint);
        synchronized (peer) {
            if (peer.removed() || kp.isDestroyed()) {
                return;
            }
            Endpoint previous;
            if (takesBinding) {
                previous = peer.moveTo(source, s.bindings, source.equals(kp.handshakeEndpoint));
            } else {
                previous = peer.moveWithoutBinding(source, s.bindings);
                s.count(EngineCounter.ROAMING_BINDINGS_REFUSED);
                LOG.debug("{} roamed to {}, which stays bound to the live session of {}", peer, source, holder);
            }
            if (previous != null && !previous.equals(source)) {
                LOG.debug("{} roamed from {} to {}", peer, previous, source);
            }
        }
    }
}
