package io.postern.engine;

import io.postern.net.Endpoint;
import io.postern.wire.DataMessage;
import java.util.Arrays;
import java.util.List;

/**
 * Encrypts and sends transport data (wireguard-go {@code device/send.go}): pads the payload to a
 * multiple of 16 but never beyond the tunnel MTU, writes the header, seals it under the current keypair's send key and next
 * counter. Without a usable keypair the payload is staged (bounded, oldest dropped) and a
 * handshake is started. An initiator rekeys on send after REKEY_AFTER_TIME or REKEY_AFTER_MESSAGES.
 */
final class DataSender {
    private static final byte[] EMPTY = new byte[0];
    private static final long REKEY_AFTER_TIME = ProtocolConstants.REKEY_AFTER_TIME.toMillis();
    /** One datagram's worth of output per sending thread: the data path allocates nothing per packet. */
    private static final ThreadLocal<byte[]> SCRATCH =
            ThreadLocal.withInitial(() -> new byte[ProtocolConstants.SCRATCH_SIZE]);
    /**
     * The padded plaintext, per sending thread: sealing from it into {@link #SCRATCH} rather than in
     * place spares Bouncy Castle's AEAD a defensive copy of every overlapping input (1200 B/packet).
     */
    private static final ThreadLocal<byte[]> PLAIN =
            ThreadLocal.withInitial(() -> new byte[ProtocolConstants.SCRATCH_SIZE]);

    private final EngineState s;
    private final HandshakeInitiator initiator;
    /** The tunnel MTU padding respects ({@link SessionEngine#setInterface}). */
    volatile int mtu = ProtocolConstants.DEFAULT_MTU;

    DataSender(EngineState state, HandshakeInitiator initiator) {
        this.s = state;
        this.initiator = initiator;
    }

    /**
     * Sends {@code buf[off, off+len)} to {@code peer}; {@code len == 0} is a keepalive.
     *
     * @return whether it was sent or staged for sending once a handshake completes
     */
    boolean send(Peer peer, byte[] buf, int off, int len) {
        return send(peer, buf, off, len, true);
    }

    /**
     * @param flushAfterStaging whether a payload that is staged is sent at once if a session appeared
     *                          meanwhile (false when sending staged payloads: no second round)
     */
    private boolean send(Peer peer, byte[] buf, int off, int len, boolean flushAfterStaging) {
        if (len < 0 || len > ProtocolConstants.MAX_PAYLOAD || peer.removed()) {
            return false;
        }
        long now = s.now();
        SessionKeyPair kp = peer.sendableKeypair(now);
        Endpoint to = peer.endpoint();
        if (kp == null || to == null) {
            return stage(peer, buf, off, len, flushAfterStaging);
        }
        long counter = kp.nextSendCounter();
        if (Long.compareUnsigned(counter, ProtocolConstants.REJECT_AFTER_MESSAGES) >= 0) {
            return stage(peer, buf, off, len, flushAfterStaging);
        }
        byte[] out = SCRATCH.get();
        // wireguard-go calculatePaddingSize: never pad beyond the MTU, nor beyond the IPv4 datagram limit
        int padded = Math.min(DataMessage.paddedLength(len, mtu), ProtocolConstants.MAX_PAYLOAD);
        DataMessage.writeHeader(out, 0, kp.remoteIndex, counter);
        byte[] plain = PLAIN.get();
        System.arraycopy(buf, off, plain, 0, len);
        Arrays.fill(plain, len, padded, (byte) 0);
        int sealed = kp.seal(counter, plain, 0, padded, out, DataMessage.HEADER_SIZE);
        if (sealed < 0) {
            return stage(peer, buf, off, len, flushAfterStaging); // destroyed meanwhile
        }
        int total = DataMessage.HEADER_SIZE + sealed;
        // timers: any packet sent stops the passive keepalive; data arms the "unanswered" handshake.
        // Armed BEFORE transmitting: on loopback the answer can be received (and disarm it) before
        // transmit returns, and arming afterwards would then start a needless handshake 5 s later.
        PeerTimers timers = peer.timers();
        timers.anyAuthenticatedPacketTraversal(now);
        timers.anyAuthenticatedPacketSent();
        if (len > 0) {
            timers.dataSent(now);
        }
        boolean sent = s.transmit(to, out, 0, total);
        if (sent) {
            peer.countSent(total);
            s.add(EngineCounter.BYTES_SENT, total);
            s.count(EngineCounter.PACKETS_SENT);
        }
        if (kp.initiator && (now - kp.createdMillis >= REKEY_AFTER_TIME
                || Long.compareUnsigned(counter, ProtocolConstants.REKEY_AFTER_MESSAGES) >= 0)) {
            initiator.initiateIfIdle(peer);
        }
        return sent;
    }

    /** Sends a keepalive (an empty transport message). */
    boolean sendKeepalive(Peer peer) {
        return send(peer, EMPTY, 0, 0);
    }

    /** After our handshake completed: sends the staged packets, or else a keepalive to confirm the keys. */
    void sendStagedOrKeepalive(Peer peer) {
        List<byte[]> packets = peer.drainStaged();
        if (packets.isEmpty()) {
            sendKeepalive(peer);
        } else {
            for (byte[] p : packets) {
                send(peer, p, 0, p.length, false);
            }
        }
    }

    /** Sends the staged packets, if any (after a responder keypair was confirmed). */
    void sendStaged(Peer peer) {
        for (byte[] p : peer.drainStaged()) {
            send(peer, p, 0, p.length, false);
        }
    }

    /**
     * Stages a payload for a peer the caller found without a sendable session. A handshake may have
     * completed since the caller looked, and drained the staged payloads before this one was added:
     * so, as wireguard-go's {@code SendStagedPackets} after staging, look again and send what is
     * staged if a session is there now (else this payload would wait for the next handshake).
     */
    boolean stage(Peer peer, byte[] buf, int off, int len, boolean flushIfSessionAppeared) {
        int max = s.settings.maxStagedPackets();
        synchronized (peer) {
            if (peer.removed() || max == 0) {
                return false;
            }
            if (!peer.stage(Arrays.copyOfRange(buf, off, off + len), max)) {
                s.count(EngineCounter.STAGING_REFUSED); // the engine-wide bound: nothing staged, the caller is told
                return false;
            }
        }
        if (flushIfSessionAppeared && peer.sendableKeypair(s.now()) != null && peer.endpoint() != null) {
            sendStaged(peer);
            return true;
        }
        // As wireguard-go: start a handshake, through the REKEY_TIMEOUT gate — which our last response
        // counts toward, so a responder keypair still awaiting its confirmation gets 5 s to carry
        // the staged packets before a handshake of ours replaces the wait.
        initiator.initiateIfIdle(peer);
        return true;
    }
}
