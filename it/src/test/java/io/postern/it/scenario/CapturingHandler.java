package io.postern.it.scenario;

import io.postern.key.PublicKey;
import io.postern.spi.HandlerContext;
import io.postern.spi.PacketHandler;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A peer's packet handler that keeps a copy of every payload it is given. Thread-safe. */
final class CapturingHandler implements PacketHandler {
    private final List<byte[]> payloads = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
        return "capture";
    }

    @Override
    public String description() {
        return "Test handler: records every decrypted payload.";
    }

    @Override
    public void onPacket(PublicKey peer, byte[] buffer, int offset, int length, HandlerContext context) {
        payloads.add(Arrays.copyOfRange(buffer, offset, offset + length));
    }

    /** @return every payload received so far, oldest first */
    List<byte[]> payloads() {
        return List.copyOf(payloads);
    }

    /**
     * @return whether a payload equal to {@code sent} followed only by WireGuard's zero padding
     *         (to a multiple of 16) was received
     */
    boolean received(byte[] sent) {
        for (byte[] p : payloads) {
            boolean paddedOrNot = p.length == sent.length || p.length == (sent.length + 15) / 16 * 16;
            if (paddedOrNot && Arrays.equals(p, 0, sent.length, sent, 0, sent.length) && zeros(p, sent.length)) {
                return true;
            }
        }
        return false;
    }

    private static boolean zeros(byte[] p, int from) {
        for (int i = from; i < p.length; i++) {
            if (p[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
