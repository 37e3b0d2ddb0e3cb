package io.postern.engine;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the protocol timers' expiries (wireguard-go {@code device/timers.go}): {@link #tick()} scans
 * every peer — driven every ~100 ms by the {@code postern-timers} thread, or by tests with a fake
 * clock. The deadlines are armed only by the events of {@link PeerTimers}; the expiries are handled
 * here, one method each:
 * <ul>
 *   <li>retransmit an unanswered initiation every REKEY_TIMEOUT + jitter, give up after
 *       MAX_TIMER_HANDSHAKES retransmissions (~REKEY_ATTEMPT_TIME);</li>
 *   <li>zero the keys REJECT_AFTER_TIME × 3 after the last handshake;</li>
 *   <li>start a new handshake when data sent got no authenticated answer (after KEEPALIVE_TIMEOUT +
 *       REKEY_TIMEOUT as wireguard-go, or REKEY_TIMEOUT for a silent keypair: see
 *       {@link ProtocolConstants});</li>
 *   <li>passive keepalive: data received and nothing sent for KEEPALIVE_TIMEOUT;</li>
 *   <li>persistent keepalive, when configured.</li>
 * </ul>
 */
final class TimerTick {
    private static final Logger LOG = LoggerFactory.getLogger(TimerTick.class);

    private final EngineState s;
    private final HandshakeInitiator initiator;
    private final DataSender sender;
    private final SessionTeardown teardown;
    private final LogLimiter failures;

    TimerTick(EngineState state, HandshakeInitiator initiator, DataSender sender, SessionTeardown teardown) {
        this.s = state;
        this.initiator = initiator;
        this.sender = sender;
        this.teardown = teardown;
        this.failures = new LogLimiter(Duration.ofSeconds(1), state::now);
    }

    /** Runs every expired deadline of every peer at the clock's current time. */
    void tick() {
        long now = s.now();
        teardown.dropExpiredKept(now);
        for (Peer peer : s.peers.values()) {
            if (peer.removed()) {
                continue;
            }
            try {
                tick(peer, now);
            } catch (RuntimeException e) {
                long suppressed = failures.admit(); // one bug would otherwise log once per peer per tick
                if (suppressed >= 0) {
                    LOG.warn("timer of {} failed suppressed={}", peer, suppressed, e);
                }
            }
        }
    }

    private void tick(Peer peer, long now) {
        initiator.retryIfDue(peer, now);
        if (zeroKeysIfDue(peer, now)) {
            return;
        }
        newHandshakeIfDue(peer, now);
        keepaliveIfDue(peer, now);
        persistentKeepaliveIfDue(peer, now);
    }

    private boolean zeroKeysIfDue(Peer peer, long now) {
        if (peer.timers().zeroKeysDue(now)) {
            teardown.expire(peer);
            return true;
        }
        return false;
    }

    private void newHandshakeIfDue(Peer peer, long now) {
        if (peer.timers().takeNewHandshakeIfDue(now)) {
            LOG.debug("no answer from {} since data was sent: starting a new handshake", peer);
            initiator.initiateIfIdle(peer);
        }
    }

    private void keepaliveIfDue(Peer peer, long now) {
        if (peer.timers().takeKeepaliveIfDue(now)) {
            if (peer.sendableKeypair(now) != null) {
                sender.sendKeepalive(peer);
            }
            peer.timers().passiveKeepaliveSent(now);
        }
    }

    private void persistentKeepaliveIfDue(Peer peer, long now) {
        Duration interval = peer.persistentKeepalive();
        if (interval.isZero() || peer.endpoint() == null) {
            return;
        }
        if (peer.timers().persistentKeepaliveDue(now, interval)) {
            if (peer.sendableKeypair(now) != null) {
                sender.sendKeepalive(peer);
            } else {
                initiator.initiateIfIdle(peer); // its completion sends a keepalive
            }
        }
    }
}
