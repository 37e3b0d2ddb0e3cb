package io.postern.gateway.admin;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
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
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the admin protocol on a UNIX domain socket in the data directory, mode 0600: only the
 * gateway's own user (and root) may connect. There is no network listener.
 *
 * <p>The socket is bound inside a fresh directory of mode 0700 and moved into place once it is
 * 0600, so it is never reachable with looser permissions. An existing socket file is taken over
 * only when nothing answers on it (a gateway that died); a live one means another gateway runs
 * with this data directory, and opening fails. One platform thread accepts; each connection gets a
 * virtual thread; one request per connection.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

    /** The socket's file name in the data directory. */
    public static final String SOCKET_NAME = "postern.sock";
    private static final Set<PosixFilePermission> OWNER_RW =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private final Path socket;
    private final ServerSocketChannel channel;
    private final AdminHandler handler;
    private final Thread acceptor;
    private volatile boolean closed;

    private AdminServer(Path socket, ServerSocketChannel channel, AdminHandler handler) {
        this.socket = socket;
        this.channel = channel;
        this.handler = handler;
        this.acceptor = Thread.ofPlatform().daemon().name("postern-admin").unstarted(this::acceptLoop);
    }

    /** @return where the socket of a gateway using {@code dataDir} lives */
    public static Path socketIn(Path dataDir) {
        return dataDir.resolve(SOCKET_NAME);
    }

    /**
     * Binds {@code DATA_DIR/postern.sock} (creating the directory) and starts serving.
     *
     * @throws IOException when another gateway answers there, or the socket cannot be bound
     */
    public static AdminServer open(Path dataDir, AdminHandler handler) throws IOException {
        Files.createDirectories(dataDir);
        Path socket = socketIn(dataDir);
        if (Files.exists(socket)) {
            if (answers(socket)) {
                throw new IOException("another gateway is running with this data directory (its admin socket "
                        + socket + " answers); stop it or use another --data-dir");
            }
            Files.delete(socket); // left behind by a gateway that did not stop cleanly
            LOG.info("removed a stale admin socket socket={}", socket);
        }
        Path privateDir = Files.createTempDirectory(dataDir, ".admin-",
                PosixFilePermissions.asFileAttribute(EnumSet.of(PosixFilePermission.OWNER_READ,
                        PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE)));
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            Path bound = privateDir.resolve(SOCKET_NAME);
            try {
                channel.bind(UnixDomainSocketAddress.of(bound));
            } catch (IOException e) {
                throw new IOException("cannot bind the admin socket in " + dataDir + " (" + e.getMessage()
                        + "; a UNIX socket path must be shorter than about 100 bytes)", e);
            }
            Files.setPosixFilePermissions(bound, OWNER_RW);
            Files.move(bound, socket, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        } finally {
            Files.deleteIfExists(privateDir.resolve(SOCKET_NAME));
            Files.deleteIfExists(privateDir);
        }
        AdminServer server = new AdminServer(socket, channel, handler);
        server.acceptor.start();
        LOG.info("admin socket listening socket={}", socket);
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
                    LOG.warn("admin socket accept failed socket={}", socket, e);
                }
                return;
            }
            Thread.ofVirtual().name("postern-admin-connection").start(() -> serve(connection));
        }
    }

    private void serve(SocketChannel connection) {
        try (connection) {
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(connection),
                    StandardCharsets.UTF_8));
            Writer out = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(connection),
                    StandardCharsets.UTF_8));
            AdminMessage response;
            try {
                AdminMessage request = AdminMessage.read(in);
                response = handler.handle(request);
            } catch (IOException e) {
                response = AdminMessage.error(e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("admin request failed", e);
                response = AdminMessage.error("internal error: " + e);
            }
            response.write(out);
            out.flush();
        } catch (IOException e) {
            LOG.debug("admin connection ended early", e);
        }
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
            LOG.debug("closing the admin socket", e);
        }
        // The JDK defers closing a channel that another thread is blocked in accept() on until that
        // thread wakes up: wait for the acceptor, so that nothing can connect once close() returned.
        try {
            if (Thread.currentThread() != acceptor && !acceptor.join(java.time.Duration.ofSeconds(2))) {
                LOG.warn("admin acceptor did not stop within 2 s socket={}", socket);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warn("cannot remove the admin socket socket={}", socket, e);
        }
    }
}
