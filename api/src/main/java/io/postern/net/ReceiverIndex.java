package io.postern.net;

/**
 * The random 32-bit index a receiver chooses for a handshake or session; incoming messages name
 * it and are demultiplexed by it, never by source address (WireGuard paper §5.4). Hot paths use
 * the raw {@code int}; this type is for tables, events and logs.
 *
 * @param value the index as sent on the wire (little-endian u32, held as a Java int)
 */
public record ReceiverIndex(int value) {
    @Override
    public String toString() {
        return String.format("%08x", value);
    }
}
