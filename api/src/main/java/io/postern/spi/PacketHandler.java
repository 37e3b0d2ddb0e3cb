package io.postern.spi;

import io.postern.key.PublicKey;

/**
 * What the gateway does with a decrypted transport payload: echo it, route it as an IP packet,
 * hand it to an application… Selected by name with the configuration key {@code Handler}.
 *
 * <p>Contract: public no-argument constructor; {@link #onPacket} runs on a receive thread and must
 * not block or keep a reference to {@code buffer} after returning (it is reused). The payload is
 * exactly what the peer encrypted, including the zero padding WireGuard adds up to a multiple of
 * 16 bytes (IP packets carry their own length). Keepalives (empty payloads) are not delivered.
 */
public interface PacketHandler {
    /** @return the stable name the configuration selects */
    String name();

    /** @return one sentence on what it does with packets */
    String description();

    /** Called once before any packet, with the means to send. The default does nothing. */
    default void start(HandlerContext context) {}

    /**
     * Called once when the gateway stops, after the transport is closed and before the session keys
     * are erased: release what {@link #start} acquired (threads, devices). Idempotent; the default
     * does nothing.
     */
    default void stop() {}

    /**
     * @param peer   the authenticated sender's static key
     * @param buffer holds the payload at {@code [offset, offset+length)}
     */
    void onPacket(PublicKey peer, byte[] buffer, int offset, int length, HandlerContext context);
}
