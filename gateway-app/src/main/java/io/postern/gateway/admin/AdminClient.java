package io.postern.gateway.admin;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Sends one request to the gateway whose data directory is given and returns its response. */
public final class AdminClient {
    private AdminClient() {}

    /**
     * @return the gateway's response (check {@link AdminMessage#ok()})
     * @throws AdminUnavailableException when no gateway answers on the data directory's socket
     * @throws IOException               when the exchange fails midway
     */
    public static AdminMessage call(Path dataDir, AdminMessage request) throws IOException {
        Path socket = AdminServer.socketIn(dataDir);
        if (!Files.exists(socket)) {
            throw new AdminUnavailableException("no running gateway: no admin socket " + socket
                    + " (is 'postern up' running with this data directory? see --data-dir)", null);
        }
        SocketChannel channel;
        try {
            channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        } catch (AccessDeniedException e) {
            throw new AdminUnavailableException("cannot reach the gateway: permission denied on " + socket
                    + " (mode 0600: run as the gateway's user)", e);
        } catch (IOException e) {
            String why = e.getMessage() != null && e.getMessage().contains("ermission")
                    ? "permission denied (mode 0600: run as the gateway's user)"
                    : "nothing answers (a stale socket of a stopped gateway?)";
            throw new AdminUnavailableException("no running gateway: " + socket + ": " + why, e);
        }
        try (channel) {
            Writer out = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(channel), StandardCharsets.UTF_8));
            request.write(out);
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
                    StandardCharsets.UTF_8));
            return AdminMessage.read(in);
        }
    }
}
