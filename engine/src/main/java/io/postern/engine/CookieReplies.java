package io.postern.engine;

import io.postern.event.DropReason;
import io.postern.net.Endpoint;
import io.postern.spi.crypto.HandshakeResult;
import io.postern.wire.CookieReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cookie replies we receive: a peer under load asks for mac2 on our initiations and our responses
 * alike (WireGuard paper §5.4.7; wireguard-go {@code RoutineHandshake} and {@code CookieGenerator}).
 * The reply may name any index of the peer's (our initiation in flight, or the keypair our response
 * made) and must open with the mac1 of the last handshake message we sent that peer; its cookie
 * replaces the one held and goes into mac2 of our next initiations and responses to that peer for
 * {@link ProtocolConstants#COOKIE_REFRESH_TIME}. Whoever saw that mac1 on the path can forge one, so
 * a cookie reply changes the stored cookie and nothing else: no session, endpoint, timer or index.
 */
final class CookieReplies {
    private static final Logger LOG = LoggerFactory.getLogger(CookieReplies.class);

    private final EngineState s;

    CookieReplies(EngineState state) {
        this.s = state;
    }

    void onCookieReply(Endpoint source, CookieReply reply) {
        IndexTable.Entry entry = s.indices.lookup(reply.receiver());
        if (entry == null) {
            s.drop(DropReason.UNKNOWN_HANDSHAKE_INDEX, source);
            return;
        }
        Peer peer = entry.peer;
        synchronized (peer) {
            byte[] mac1 = peer.lastMac1();
            if (peer.removed() || mac1 == null || !peer.ownsIndex(reply.receiver())) {
                s.drop(DropReason.UNKNOWN_HANDSHAKE_INDEX, source);
                return;
            }
            HandshakeResult<byte[]> r = s.protocol.consumeCookieReply(reply.bytes(), 0, CookieReply.SIZE, mac1,
                    peer.key());
            if (!(r instanceof HandshakeResult.Success<byte[]>(byte[] cookie))) {
                s.drop(DropReason.COOKIE_REPLY_INVALID, source);
                return;
            }
            peer.storeCookie(cookie, s.now());
        }
        s.count(EngineCounter.COOKIES_RECEIVED);
        LOG.debug("received a cookie from {} at {}", peer, source);
    }
}
