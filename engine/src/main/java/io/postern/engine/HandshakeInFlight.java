package io.postern.engine;

import io.postern.spi.crypto.HandshakeProtocol.InitiatorHandshake;

/**
 * An initiation of ours waiting for its response: the handshake state, its index and when this round
 * of attempts began (for REKEY_ATTEMPT_TIME); when to retransmit is {@link PeerTimers}'. Guarded by
 * its peer's monitor.
 *
 * @param state              the initiator's handshake state (holds the message and its mac1)
 * @param index              the sender index the response will name
 * @param attemptStartMillis when the first initiation of this round was sent
 * @param retransmissions    initiations of this round sent after the first (at most MAX_TIMER_HANDSHAKES)
 */
record HandshakeInFlight(InitiatorHandshake state, int index, long attemptStartMillis, int retransmissions) {}
