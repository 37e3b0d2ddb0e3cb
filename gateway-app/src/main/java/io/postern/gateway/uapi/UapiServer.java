package io.postern.gateway.uapi;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves WireGuard's userspace API for one {@link UapiDevice} on a UNIX socket (see the package
 * documentation for the protocol). Entry point: {@link #open(Path, UapiDevice)} with
 * {@link #socketFor(Path, String)}, e.g. {@code UapiServer.open(UapiServer.socketFor(
 * UapiServer.DEFAULT_DIRECTORY, "wg0"), device)}; {@link #close()} stops it and removes the socket.
 *
 * <p>Permissions as wg expects and no looser: the directory is created 0700 (an existing one, e.g.
 * wireguard-go's 0755, is left as it is) and the socket is 0600, bound in a private 0700 directory
 * and moved into place, so it is never reachable with looser permissions. An existing socket is
 * taken over only when nothing answers on it (a process that died); a live one means another
 * interface of that name runs, and opening fails. One platform thread accepts; each connection gets
 * a virtual thread, at most {@value #MAX_CONNECTIONS} at once; lines are at most
 * {@value #MAX_LINE} bytes and a set request at most {@link UapiSet#MAX_LINES} lines.
 */
public final class UapiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UapiServer.class);

    /** Where wg looks for userspace interfaces ({@code RUNSTATEDIR/wireguard}). */
    public static final Path DEFAULT_DIRECTORY = Path.of("/var/run/wireguard");
    /** Interface names wg-quick accepts (and the kernel's IFNAMSIZ allows). */
    public static final Pattern INTERFACE_NAME = Pattern.compile("[a-zA-Z0-9_=+.-]{1,15}");
    static final int MAX_LINE = 8192;
    static final int MAX_CONNECTIONS = 64;
    private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    private final Path socket;
    private final ServerSocketChannel channel;
    private final UapiDevice device;
    private final Thread acceptor;
    private final Semaphore connections = new Semaphore(MAX_CONNECTIONS);
    private volatile boolean closed;

    private UapiServer(Path socket, ServerSocketChannel channel, UapiDevice device) {
        this.socket = socket;
        this.channel = channel;
        this.device = device;
        this.acceptor = Thread.ofPlatform().daemon().name("postern-uapi").unstarted(this::acceptLoop);
    }

    /**
     * @return {@code directory/name.sock}
     * @throws IllegalArgumentException when {@code name} is not an interface name wg accepts
     */
    public static Path socketFor(Path directory, String name) {
        if (!INTERFACE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not an interface name wg accepts (1-15 of a-z A-Z 0-9 _ = + . -)");
        }
        return directory.resolve(name + ".sock");
    }

    /**
     * Binds {@code socket} (creating its directory 0700 if missing) and starts serving {@code device}.
     *
     * @throws IOException when something answers on that socket already, or it cannot be bound
     */
    public static UapiServer open(Path socket, UapiDevice device) throws IOException {
        Path dir = socket.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        }
        if (Files.exists(socket)) {
            if (answers(socket)) {
                throw new IOException("another process serves " + socket + " (an interface of that name runs: stop it, "
                        + "or choose another name)");
            }
            Files.delete(socket); // left behind by a process that did not stop cleanly
            LOG.info("removed a stale UAPI socket socket={}", socket);
        }
        Path privateDir = Files.createTempDirectory(dir, ".postern-uapi-", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            Path bound = privateDir.resolve("s");
            try {
                channel.bind(UnixDomainSocketAddress.of(bound));
            } catch (IOException e) {
                throw new IOException("cannot bind a UNIX socket in " + dir + " (" + e.getMessage()
                        + "; a UNIX socket path must be shorter than about 100 bytes)", e);
            }
            Files.setPosixFilePermissions(bound, EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
            Files.move(bound, socket, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        } finally {
            Files.deleteIfExists(privateDir.resolve("s"));
            Files.deleteIfExists(privateDir);
        }
        UapiServer server = new UapiServer(socket, channel, device);
        server.acceptor.start();
        LOG.info("UAPI socket listening socket={}", socket);
        return server;
    }

    private static boolean answers(Path socket) {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return probe.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    /** @return the socket file */
    public Path socket() {
        return socket;
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel connection;
            try {
                connection = channel.accept();
            } catch (AsynchronousCloseException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("UAPI socket accept failed socket={}", socket, e);
                }
                return;
            }
            if (!connections.tryAcquire()) {
                LOG.warn("UAPI connection refused: {} connections already open socket={}", MAX_CONNECTIONS, socket);
                closeQuietly(connection);
                continue;
            }
            Thread.ofVirtual().name("postern-uapi-connection").start(() -> {
                try {
                    serve(connection);
                } finally {
                    connections.release();
                }
            });
        }
    }

    private static void closeQuietly(SocketChannel c) {
        try {
            c.close();
        } catch (IOException e) {
            LOG.debug("closing a UAPI connection", e);
        }
    }

    /** Operations until the client closes or sends something that is not one, as wireguard-go's IpcHandle. */
    private void serve(SocketChannel connection) {
        try (connection) {
            InputStream in = new BufferedInputStream(Channels.newInputStream(connection));
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(connection));
            while (true) {
                String op;
                try {
                    op = readLine(in);
                } catch (EOFException e) {
                    return;
                }
                String reply;
                switch (op) {
                    case "get=1" -> {
                        if (in.read() != '\n') {
                            reply = status(new UapiException(UapiException.EINVAL, "trailing character in UAPI get"));
                        } else {
                            reply = get();
                        }
                    }
                    case "set=1" -> reply = status(set(in));
                    default -> {
                        LOG.warn("invalid UAPI operation '{}' socket={}", UapiSet.abbreviate(op), socket);
                        return;
                    }
                }
                out.write(reply.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            LOG.debug("UAPI connection ended early", e);
        }
    }

    private String get() {
        try {
            return device.get() + "errno=0\n\n";
        } catch (RuntimeException e) {
            LOG.warn("UAPI get failed socket={}", socket, e);
            return status(new UapiException(UapiException.UNKNOWN, "get failed: " + e));
        }
    }

    private UapiException set(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        UapiException tooLong = null;
        String line;
        while (!(line = readLine(in)).isEmpty()) { // read to the end of the request even when refusing it
            if (lines.size() < UapiSet.MAX_LINES) {
                lines.add(line);
            } else if (tooLong == null) {
                tooLong = new UapiException(UapiException.EINVAL, "set request longer than " + UapiSet.MAX_LINES + " lines");
            }
        }
        if (tooLong != null) {
            return tooLong;
        }
        try {
            device.set(UapiSet.parse(lines));
            return null;
        } catch (UapiException e) {
            return e;
        } catch (RuntimeException e) {
            LOG.warn("UAPI set failed socket={}", socket, e);
            return new UapiException(UapiException.UNKNOWN, "set failed: " + e);
        }
    }

    private String status(UapiException e) {
        if (e == null) {
            return "errno=0\n\n";
        }
        LOG.warn("UAPI request refused errno={} reason={} socket={}", e.errno(), e.getMessage(), socket);
        return "errno=" + e.errno() + "\n\n";
    }

    /** @return one line without its '\n' @throws EOFException at the end of the stream */
    static String readLine(InputStream in) throws IOException {
        byte[] buf = new byte[128];
        int n = 0;
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new EOFException("connection closed in the middle of a request");
            }
            if (n == MAX_LINE) {
                throw new IOException("UAPI line longer than " + MAX_LINE + " bytes");
            }
            if (n == buf.length) {
                buf = java.util.Arrays.copyOf(buf, buf.length * 2);
            }
            buf[n++] = (byte) b;
        }
        return new String(buf, 0, n, StandardCharsets.UTF_8);
    }

    /** Stops accepting and removes the socket file. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing the UAPI socket", e);
        }
        // the JDK defers closing a channel blocked in accept(): wait for the acceptor, so nothing connects after close()
        try {
            if (Thread.currentThread() != acceptor && !acceptor.join(Duration.ofSeconds(2))) {
                LOG.warn("UAPI acceptor did not stop within 2 s socket={}", socket);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warn("cannot remove the UAPI socket socket={}", socket, e);
        }
    }
}
