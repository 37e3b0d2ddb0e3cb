/** Curve25519 keys and preshared keys as values: base64 like {@code wg}, constant-time equality, redacted {@code toString}. */
package io.postern.key;
