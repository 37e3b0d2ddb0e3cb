/**
 * The Noise machinery (symmetric state, IK and IKpsk2 message steps) and WireGuard v1's handshake
 * on top of it: the {@code noise-ikpsk2} {@link io.postern.spi.crypto.HandshakeProtocolFactory}
 * with mac1/mac2 and cookie replies.
 */
package io.postern.crypto.noise;
