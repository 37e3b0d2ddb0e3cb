/**
 * WireGuard v1 wire messages (docs/protocol.md "Messages") with strict parsers and writers. Parsing
 * never throws for bad input: it returns a {@link io.postern.wire.Parsed.Rejected} naming a
 * {@link io.postern.wire.WireRejection}.
 */
package io.postern.wire;
