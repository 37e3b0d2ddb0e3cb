package io.postern.engine;

import io.postern.key.StaticKeyPair;
import io.postern.key.PresharedKey;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.spi.crypto.CryptoProvider;
import io.postern.spi.crypto.HandshakeProtocol;
import io.postern.spi.crypto.HandshakeProtocolFactory;
import io.postern.spi.crypto.HandshakeResult;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Wraps the real handshake factory and records every handshake state it hands out and whether it was destroyed. */
final class SpyingHandshakes implements HandshakeProtocolFactory {
    /** One handshake state (either role) and its destruction. */
    static final class State {
        final String role;
        volatile boolean destroyed;

        State(String role) {
            this.role = role;
        }

        @Override
        public String toString() {
            return role + (destroyed ? " (destroyed)" : " (live)");
        }
    }

    private final HandshakeProtocolFactory real;
    final List<State> states = new CopyOnWriteArrayList<>();
    /** When set, {@code createCookieReply} answers null (the SPI allows it for a message it cannot reply to). */
    volatile boolean nullCookieReplies;
    /** Whether the engine destroyed the protocol (its static key copy and static-static cache). */
    volatile boolean protocolDestroyed;

    SpyingHandshakes(HandshakeProtocolFactory real) {
        this.real = real;
    }

    @Override
    public String name() {
        return real.name();
    }

    @Override
    public HandshakeProtocol create(CryptoProvider primitives, StaticKeyPair localStatic) {
        HandshakeProtocol p = real.create(primitives, localStatic);
        return new HandshakeProtocol() {
            @Override
            public PublicKey localPublicKey() {
                return p.localPublicKey();
            }

            @Override
            public HandshakeResult<InitiatorHandshake> initiate(PublicKey remoteStatic, PresharedKey psk,
                                                                int senderIndex, byte[] timestamp, byte[] cookie) {
                HandshakeResult<InitiatorHandshake> r = p.initiate(remoteStatic, psk, senderIndex, timestamp, cookie);
                if (r instanceof HandshakeResult.Success<InitiatorHandshake>(InitiatorHandshake h)) {
                    State s = new State("initiator");
                    states.add(s);
                    return HandshakeResult.success(new InitiatorHandshake() {
                        @Override
                        public byte[] message() {
                            return h.message();
                        }

                        @Override
                        public int senderIndex() {
                            return h.senderIndex();
                        }

                        @Override
                        public byte[] mac1() {
                            return h.mac1();
                        }

                        @Override
                        public HandshakeResult<SessionKeys> consumeResponse(byte[] msg, int offset, int length) {
                            return h.consumeResponse(msg, offset, length);
                        }

                        @Override
                        public void destroy() {
                            s.destroyed = true;
                            h.destroy();
                        }
                    });
                }
                return r;
            }

            @Override
            public boolean verifyMac1(byte[] msg, int offset, int length) {
                return p.verifyMac1(msg, offset, length);
            }

            @Override
            public boolean verifyMac2(byte[] msg, int offset, int length, Endpoint source) {
                return p.verifyMac2(msg, offset, length, source);
            }

            @Override
            public byte[] createCookieReply(byte[] msg, int offset, int length, int receiverIndex, Endpoint source) {
                return nullCookieReplies ? null : p.createCookieReply(msg, offset, length, receiverIndex, source);
            }

            @Override
            public HandshakeResult<ResponderHandshake> consumeInitiation(byte[] msg, int offset, int length) {
                return spy(p.consumeInitiation(msg, offset, length));
            }

            @Override
            public HandshakeResult<ResponderHandshake> consumeInitiation(byte[] msg, int offset, int length,
                                                                         java.util.function.Predicate<PublicKey> admits) {
                return spy(p.consumeInitiation(msg, offset, length, admits));
            }

            private HandshakeResult<ResponderHandshake> spy(HandshakeResult<ResponderHandshake> r) {
                if (r instanceof HandshakeResult.Success<ResponderHandshake>(ResponderHandshake h)) {
                    State s = new State("responder");
                    states.add(s);
                    return HandshakeResult.success(new ResponderHandshake() {
                        @Override
                        public PublicKey remoteStatic() {
                            return h.remoteStatic();
                        }

                        @Override
                        public int remoteIndex() {
                            return h.remoteIndex();
                        }

                        @Override
                        public byte[] timestamp() {
                            return h.timestamp();
                        }

                        @Override
                        public HandshakeResult<Response> respond(PresharedKey psk, int senderIndex, byte[] cookie) {
                            return h.respond(psk, senderIndex, cookie);
                        }

                        @Override
                        public void destroy() {
                            s.destroyed = true;
                            h.destroy();
                        }
                    });
                }
                return r;
            }

            @Override
            public HandshakeResult<byte[]> consumeCookieReply(byte[] msg, int offset, int length, byte[] mac1Sent,
                                                              PublicKey remoteStatic) {
                return p.consumeCookieReply(msg, offset, length, mac1Sent, remoteStatic);
            }

            @Override
            public void destroy() {
                protocolDestroyed = true;
                p.destroy();
            }

            @Override
            public void rotateCookieSecretNow() {
                p.rotateCookieSecretNow();
            }
        };
    }
}
