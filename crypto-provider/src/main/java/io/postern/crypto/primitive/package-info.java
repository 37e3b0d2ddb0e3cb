/**
 * Provider-neutral building blocks both crypto providers share: an AEAD driven by an explicit
 * nonce, WireGuard's counter nonce on top of it, and HMAC-BLAKE2s (RFC 2104).
 */
package io.postern.crypto.primitive;
