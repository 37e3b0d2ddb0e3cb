package io.postern.spi;

import io.postern.key.PublicKey;

/** What a {@link PacketHandler} may do: send payloads through established sessions. Thread-safe. */
public interface HandlerContext {
    /**
     * Encrypts and sends {@code buffer[offset, offset+length)} to {@code peer} over its current
     * session. The buffer may be reused as soon as this returns.
     *
     * @return {@code false} (and counted) when the peer has no usable session
     */
    boolean send(PublicKey peer, byte[] buffer, int offset, int length);
}
