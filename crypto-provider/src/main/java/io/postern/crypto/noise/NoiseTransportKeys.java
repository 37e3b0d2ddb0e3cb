package io.postern.crypto.noise;

import io.postern.spi.crypto.AeadKey;
import io.postern.spi.crypto.HandshakeProtocol;

/**
 * The two ChaCha20-Poly1305 keys from Split(): the initiator sends with the first and receives
 * with the second, the responder the reverse (docs/protocol.md "Handshake").
 *
 * @param sending   the key this side sends with
 * @param receiving the key this side receives with
 */
record NoiseTransportKeys(AeadKey sending, AeadKey receiving) implements HandshakeProtocol.SessionKeys {}
