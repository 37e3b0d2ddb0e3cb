package io.postern.wire;

/** One of the four WireGuard v1 messages. */
public sealed interface WireMessage permits HandshakeInitiation, HandshakeResponse, CookieReply, DataMessage {
    /** @return the message type */
    MessageType type();
}
