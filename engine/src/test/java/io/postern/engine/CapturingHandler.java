package io.postern.engine;

import io.postern.key.PublicKey;
import io.postern.spi.HandlerContext;
import io.postern.spi.PacketHandler;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A packet handler that records every payload and, if asked, echoes it back to the sender. */
final class CapturingHandler implements PacketHandler {
    /** One received payload. */
    record Received(PublicKey peer, byte[] payload) {}

    final List<Received> received = new CopyOnWriteArrayList<>();
    private final boolean echo;

    CapturingHandler(boolean echo) {
        this.echo = echo;
    }

    @Override
    public String name() {
        return echo ? "echo" : "capture";
    }

    @Override
    public String description() {
        return "test handler";
    }

    @Override
    public void onPacket(PublicKey peer, byte[] buffer, int offset, int length, HandlerContext context) {
        received.add(new Received(peer, Arrays.copyOfRange(buffer, offset, offset + length)));
        if (echo) {
            context.send(peer, buffer, offset, length);
        }
    }

    /** @return the received payloads with the zero padding removed, as strings */
    List<String> texts() {
        return received.stream().map(r -> {
            int n = r.payload().length;
            while (n > 0 && r.payload()[n - 1] == 0) {
                n--;
            }
            return new String(r.payload(), 0, n, java.nio.charset.StandardCharsets.UTF_8);
        }).toList();
    }
}
