package io.postern.bench.load;

import io.postern.net.Endpoint;
import io.postern.spi.DatagramReceiver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One receive thread for many datagram channels: a {@link Selector} over non-blocking
 * {@link DatagramChannel}s, each delivering to its own {@link DatagramReceiver}. It lets one JVM
 * hold thousands of peer engines (each with its own socket and source port) without a receive
 * thread per engine.
 */
final class SelectorLoop implements AutoCloseable {
    private record Registration(DatagramChannel channel, DatagramReceiver receiver) {}

    private record Release(DatagramChannel channel, CompletableFuture<Void> done) {}

    private final Selector selector;
    private final ConcurrentLinkedQueue<Registration> pending = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Release> releases = new ConcurrentLinkedQueue<>();
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(65536);
    private final byte[] bytes = new byte[65536];
    private final Thread thread;
    private volatile boolean running = true;

    SelectorLoop(String name) throws IOException {
        selector = Selector.open();
        thread = Thread.ofPlatform().name(name).daemon(true).start(this::run);
    }

    /** Registers {@code channel} (non-blocking from now on); its datagrams go to {@code receiver}. */
    void register(DatagramChannel channel, DatagramReceiver receiver) throws IOException {
        channel.configureBlocking(false);
        pending.add(new Registration(channel, receiver));
        selector.wakeup();
    }

    /**
     * Closes {@code channel} and waits until its socket is really released (a registered channel's
     * socket closes only when the selector deregisters it), so its port can be bound again at once.
     */
    void release(DatagramChannel channel) throws IOException {
        if (!running || Thread.currentThread() == thread) {
            channel.close();
            if (running) {
                selector.selectNow();
            }
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        releases.add(new Release(channel, done));
        selector.wakeup();
        try {
            done.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while closing " + channel, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("could not close " + channel, e);
        }
    }

    private void run() {
        while (running) {
            try {
                selector.select(50);
                Registration r;
                while ((r = pending.poll()) != null) {
                    try {
                        r.channel().register(selector, SelectionKey.OP_READ, r.receiver());
                    } catch (ClosedChannelException closedMeanwhile) {
                        // a peer restarted before its first datagram: nothing to receive
                    }
                }
                Release release;
                while ((release = releases.poll()) != null) {
                    try {
                        release.channel().close();
                        selector.selectNow(); // deregisters the cancelled key: the socket closes now
                        release.done().complete(null);
                    } catch (IOException e) {
                        release.done().completeExceptionally(e);
                    }
                }
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    if (key.isValid()) {
                        drain((DatagramChannel) key.channel(), (DatagramReceiver) key.attachment());
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (running) {
                    System.err.println("selector loop: " + e);
                    e.printStackTrace();
                }
            }
        }
    }

    private void drain(DatagramChannel channel, DatagramReceiver receiver) {
        while (true) {
            buffer.clear();
            InetSocketAddress source;
            try {
                source = (InetSocketAddress) channel.receive(buffer);
            } catch (IOException closedOrUnreachable) {
                return;
            }
            if (source == null) {
                return;
            }
            buffer.flip();
            int n = buffer.remaining();
            buffer.get(bytes, 0, n);
            receiver.onDatagram(new Endpoint(source), bytes, 0, n);
        }
    }

    @Override
    public void close() throws IOException {
        running = false;
        selector.wakeup();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        selector.close();
    }
}
