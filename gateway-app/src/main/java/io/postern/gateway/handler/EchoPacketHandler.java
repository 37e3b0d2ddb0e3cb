package io.postern.gateway.handler;

import io.postern.key.PublicKey;
import io.postern.spi.HandlerContext;
import io.postern.spi.PacketHandler;
import io.postern.spi.PluginName;

/**
 * {@code echo}: sends every decrypted payload back to its sender over the same session, unchanged
 * (padding included). The default handler: it lets a peer check end to end that its session works
 * without the gateway routing anything. Stateless and thread-safe.
 */
@PluginName("echo")
public final class EchoPacketHandler implements PacketHandler {

    /** Creates the handler; {@link java.util.ServiceLoader} calls this. */
    public EchoPacketHandler() {}

    @Override
    public String name() {
        return "echo";
    }

    @Override
    public String description() {
        return "Sends each decrypted payload back to its sender on the same session.";
    }

    @Override
    public void onPacket(PublicKey peer, byte[] buffer, int offset, int length, HandlerContext context) {
        context.send(peer, buffer, offset, length);
    }
}
