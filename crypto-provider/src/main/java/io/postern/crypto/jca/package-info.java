/**
 * The {@code jca} crypto provider: the JDK's X25519 and ChaCha20-Poly1305, with BLAKE2s and
 * XChaCha20-Poly1305 from Bouncy Castle because the JDK has neither.
 */
package io.postern.crypto.jca;
