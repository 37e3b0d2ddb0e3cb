package io.postern.gateway.uapi;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The client side of the UAPI: one operation per connection, as wg does. */
public final class UapiClient {
    private UapiClient() {}

    /** The socket cannot be reached: nothing runs there, or the caller may not connect. */
    public static final class UnavailableException extends IOException {
        UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * @return the lines of the device's {@code get=1} answer, without {@code errno=0}
     * @throws UapiException when the device answers with a non-zero errno
     */
    public static List<String> get(Path socket) throws IOException, UapiException {
        return call(socket, "get=1\n\n");
    }

    /**
     * Sends {@code set=1} with {@code lines} (each without '\n').
     *
     * @throws UapiException when the device refuses it (nothing was applied)
     */
    public static void set(Path socket, List<String> lines) throws IOException, UapiException {
        StringBuilder request = new StringBuilder("set=1\n");
        for (String line : lines) {
            if (line.indexOf('\n') >= 0 || line.isEmpty()) {
                throw new IllegalArgumentException("a UAPI line is non-empty and holds no line break");
            }
            request.append(line).append('\n');
        }
        call(socket, request.append('\n').toString());
    }

    private static List<String> call(Path socket, String request) throws IOException, UapiException {
        if (!Files.exists(socket)) {
            throw new UnavailableException("no running gateway: no socket " + socket, null);
        }
        SocketChannel channel;
        try {
            channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            String why = e.getMessage() != null && e.getMessage().contains("ermission")
                    ? "permission denied (mode 0600: run as the gateway's user)"
                    : "nothing answers (a stale socket of a stopped gateway?)";
            throw new UnavailableException("no running gateway: " + socket + ": " + why, e);
        }
        try (channel) {
            OutputStream out = Channels.newOutputStream(channel);
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = new BufferedInputStream(Channels.newInputStream(channel));
            List<String> lines = new ArrayList<>();
            String line;
            try {
                while (!(line = UapiServer.readLine(in)).isEmpty()) {
                    lines.add(line);
                }
            } catch (EOFException e) {
                throw new IOException("the gateway closed " + socket + " before the end of its answer", e);
            }
            String last = lines.isEmpty() ? "" : lines.removeLast();
            if (!last.startsWith("errno=")) {
                throw new IOException("the gateway's answer on " + socket + " does not end with errno=");
            }
            int errno;
            try {
                errno = Integer.parseInt(last.substring("errno=".length()));
            } catch (NumberFormatException e) {
                throw new IOException("the gateway's answer on " + socket + " has a bad " + last, e);
            }
            if (errno != 0) {
                throw new UapiException(errno, "the gateway refused the request (errno=" + errno + ", "
                        + describe(errno) + "; its log says why)");
            }
            return lines;
        }
    }

    /** @return what a UAPI errno means */
    public static String describe(int errno) {
        return switch (errno) {
            case UapiException.EINVAL -> "invalid argument";
            case UapiException.EPROTO -> "protocol error";
            case UapiException.EADDRINUSE -> "address in use";
            case UapiException.EIO -> "I/O error";
            default -> "error";
        };
    }
}
