package io.postern.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.event.DropReason;
import io.postern.spi.PolicyDecision;
import io.postern.spi.crypto.HandshakeProtocol;
import io.postern.wire.CookieReply;
import io.postern.wire.HandshakeResponse;
import io.postern.wire.LittleEndian;
import io.postern.wire.MessageType;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Cookies in both directions, Postern against Postern on one fake ticker (issue 12 item 5). Each
 * test names the wireguard-go behaviour it pins: {@code device/receive.go} RoutineHandshake (a
 * response is checked for mac2 under load like an initiation, and a cookie reply is looked up by any
 * index of the peer), {@code device/cookie.go} CookieGenerator (one cookie per peer, used for
 * CookieRefreshTime; the mac1 of the last handshake message sent, initiation or response, is the
 * associated data a cookie reply must open with; AddMacs puts mac2 on responses as on initiations).
 */
class CookiesBothWaysTest {
    private static final Duration RETRY = ProtocolConstants.REKEY_TIMEOUT.plus(ProtocolConstants.REKEY_TIMEOUT_JITTER_MAX);
    private static final int RESPONSE_MAC2 = HandshakeResponse.SIZE - HandshakeProtocol.MAC_LENGTH;

    private final EngineHarness h = new EngineHarness();
    private final EngineHarness.Node gw = h.gateway(new FixedPolicy(PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION));
    private final EngineHarness.Node a = h.client(EngineHarness.CLIENT_A, gw);

    @AfterEach
    void close() {
        h.close();
    }

    private void holdUnderLoad(EngineHarness.Node node) {
        node.engine.handshakeQueue().holdUnderLoadUntil(h.clock.millis() + 3_600_000); // engine time starts at the wall clock
    }

    private List<byte[]> responsesOfGateway() {
        return h.net.sentBy(EngineHarness.GATEWAY, MessageType.HANDSHAKE_RESPONSE.code()).stream()
                .map(LoopbackNetwork.Datagram::bytes).toList();
    }

    private static byte[] mac2(byte[] response) {
        return Arrays.copyOfRange(response, RESPONSE_MAC2, HandshakeResponse.SIZE);
    }

    /**
     * Pins wireguard-go: the initiator under load answers a response without mac2 with a cookie reply
     * naming the responder's index (receive.go, MessageResponseType passes the same mac2 check); the
     * responder accepts it although that index is its new keypair's, not an initiation's (receive.go
     * looks the index up whatever it names); the responder's next response carries mac2 (AddMacs in
     * SendHandshakeResponse); the initiator's retransmission makes it happen.
     */
    @Test
    void theInitiatorUnderLoadGetsAResponseWithMac2AfterItsCookieReply() {
        holdUnderLoad(a);
        a.send(gw, "hello");
        h.deliver();

        assertThat(a.engine.counters().cookieRepliesSent()).as("A answered the response with a cookie").isEqualTo(1);
        assertThat(a.engine.counters().drops(DropReason.MAC2_REQUIRED)).isEqualTo(1);
        assertThat(gw.engine.counters().cookiesReceived()).as("the gateway kept A's cookie").isEqualTo(1);
        assertThat(gw.engine.counters().drops().values()).as("the gateway dropped nothing").allMatch(v -> v == 0);
        assertThat(a.status(gw).state()).isEqualTo(SessionState.HANDSHAKE_INITIATED);
        assertThat(mac2(responsesOfGateway().getFirst())).containsOnly(0);

        h.advance(RETRY);

        List<byte[]> responses = responsesOfGateway();
        assertThat(responses).hasSize(2);
        assertThat(mac2(responses.get(1))).as("mac2 from A's cookie").isNotEqualTo(new byte[16]);
        assertThat(a.status(gw).state()).isEqualTo(SessionState.ESTABLISHED);
        assertThat(gw.status(a).state()).isEqualTo(SessionState.ESTABLISHED);
        assertThat(a.handler.texts()).containsExactly("hello");
        assertThat(a.engine.counters().cookieRepliesSent()).isEqualTo(1);
    }

    /**
     * Both sides under load (wireguard-go: both checks above at once): the initiation needs the
     * gateway's cookie, then the response needs A's; two retransmissions and the handshake completes.
     */
    @Test
    void bothSidesUnderLoadStillCompleteAHandshake() {
        holdUnderLoad(a);
        holdUnderLoad(gw);
        a.send(gw, "hello");
        h.deliver();
        assertThat(gw.engine.counters().cookieRepliesSent()).isEqualTo(1);
        assertThat(a.engine.counters().cookiesReceived()).isEqualTo(1);

        h.advance(RETRY); // the initiation with mac2 passes; the response without mac2 gets A's cookie
        assertThat(a.engine.counters().cookieRepliesSent()).isEqualTo(1);
        assertThat(gw.engine.counters().cookiesReceived()).isEqualTo(1);
        assertThat(a.status(gw).state()).isEqualTo(SessionState.HANDSHAKE_INITIATED);

        h.advance(RETRY); // now both carry mac2
        assertThat(a.status(gw).state()).isEqualTo(SessionState.ESTABLISHED);
        assertThat(gw.status(a).state()).isEqualTo(SessionState.ESTABLISHED);
        assertThat(a.handler.texts()).containsExactly("hello");
    }

    /**
     * A cookie reply is unauthenticated but for the mac1 it is sealed to, which an on-path attacker
     * sees: a valid one naming the index of an established session stores the cookie and changes
     * nothing else; one that does not open is dropped and counted. The cookie is used for
     * CookieRefreshTime (120 s) only (wireguard-go cookie.go AddMacs).
     */
    @Test
    void aCookieReplyToOurResponseChangesOnlyTheCookieAndItLasts120Seconds() {
        h.establish(a, gw);
        byte[] response = responsesOfGateway().getFirst();
        int gatewayIndex = LittleEndian.getInt(response, 4);
        // forged as A would make it, sealed to the gateway's last mac1 (the response, seen on path)
        HandshakeProtocol asA = RealCrypto.handshakes().create(RealCrypto.provider(), a.keys);
        byte[] forged = asA.createCookieReply(response, 0, response.length, gatewayIndex, EngineHarness.GATEWAY);
        byte[] garbage = forged.clone();
        garbage[CookieReply.COOKIE_OFFSET] ^= 1;

        h.net.inject(EngineHarness.CLIENT_A, EngineHarness.GATEWAY, garbage);
        h.deliver();
        assertThat(gw.engine.counters().drops(DropReason.COOKIE_REPLY_INVALID)).isEqualTo(1);
        assertThat(gw.engine.counters().cookiesReceived()).isZero();

        int eventsBefore = gw.events.size();
        h.net.inject(EngineHarness.CLIENT_A, EngineHarness.GATEWAY, forged);
        h.deliver();
        assertThat(gw.events).as("no event: no session changed").hasSize(eventsBefore);
        assertThat(gw.engine.counters().cookiesReceived()).isEqualTo(1);
        assertThat(gw.status(a).state()).isEqualTo(SessionState.ESTABLISHED);
        assertThat(gw.engine.peerAt(EngineHarness.CLIENT_A)).contains(a.key());
        assertThat(gw.engine.counters().handshakesCompleted()).isEqualTo(1);
        a.send(gw, "still works");
        h.deliver();
        assertThat(a.handler.texts()).endsWith("still works");

        h.advance(Duration.ofSeconds(110)); // within 120 s of the cookie: the next response has mac2
        a.engine.initiateHandshake(gw.key());
        h.deliver();
        assertThat(mac2(responsesOfGateway().getLast())).isNotEqualTo(new byte[16]);

        h.advance(Duration.ofSeconds(11)); // 121 s: the cookie is stale, mac2 is zeros again
        a.engine.initiateHandshake(gw.key());
        h.deliver();
        assertThat(responsesOfGateway()).hasSize(3);
        assertThat(mac2(responsesOfGateway().getLast())).containsOnly(0);
        assertThat(gw.status(a).state()).isEqualTo(SessionState.ESTABLISHED);
    }

    /**
     * wireguard-go keeps only the mac1 of the LAST handshake message sent to a peer (cookie.go
     * lastMAC1): once the gateway answered A again, a cookie reply sealed to its earlier response
     * does not open.
     */
    @Test
    void aCookieReplySealedToAnEarlierMessageDoesNotOpen() {
        h.establish(a, gw);
        byte[] first = responsesOfGateway().getFirst();
        h.advance(RETRY);
        a.engine.initiateHandshake(gw.key());
        h.deliver();
        assertThat(responsesOfGateway()).hasSize(2);
        HandshakeProtocol asA = RealCrypto.handshakes().create(RealCrypto.provider(), a.keys);
        byte[] stale = asA.createCookieReply(first, 0, first.length, LittleEndian.getInt(responsesOfGateway().getLast(), 4),
                EngineHarness.GATEWAY);
        h.net.inject(EngineHarness.CLIENT_A, EngineHarness.GATEWAY, stale);
        h.deliver();
        assertThat(gw.engine.counters().drops(DropReason.COOKIE_REPLY_INVALID)).isEqualTo(1);
        assertThat(gw.engine.counters().cookiesReceived()).isZero();
    }
}
