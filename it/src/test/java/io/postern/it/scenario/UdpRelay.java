package io.postern.it.scenario;

import io.postern.net.Endpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A UDP relay on 127.0.0.1 standing in for a NAT: a peer sends to {@link #front()}, the relay
 * forwards from its {@link #back()} socket to the gateway, and forwards what the gateway answers to
 * the peer. So the gateway sees the peer at the back socket's address — and whatever the test
 * {@linkplain #inject injects} through that socket comes from exactly the same IP:port as the
 * peer's real traffic. A second front ({@link #attackerFront()}) lets another node's datagrams out
 * through the same back socket; answers always go to the first front's last sender.
 * Every datagram from the peer is kept, so it can be replayed.
 */
final class UdpRelay implements AutoCloseable {
    private static final int MAX_DATAGRAM = 65_535;

    private final DatagramChannel front;
    private final DatagramChannel attackerFront;
    private final DatagramChannel back;
    private final InetSocketAddress gateway;
    private final AtomicReference<SocketAddress> peer = new AtomicReference<>();
    private final List<byte[]> fromPeer = new CopyOnWriteArrayList<>();
    private final AtomicLong fromAttackerFront = new AtomicLong();
    private final List<Thread> threads;

    UdpRelay(Endpoint gateway) {
        this.gateway = gateway.address();
        try {
            front = bind();
            attackerFront = bind();
            back = bind();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind relay sockets on loopback", e);
        }
        threads = List.of(
                Thread.ofPlatform().daemon().name("relay-front").start(() -> pump(front, true)),
                Thread.ofPlatform().daemon().name("relay-attacker-front").start(() -> pump(attackerFront, false)),
                Thread.ofPlatform().daemon().name("relay-back").start(this::pumpBack));
    }

    private static DatagramChannel bind() throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        ch.bind(new InetSocketAddress(Nodes.LOOPBACK, 0));
        return ch;
    }

    /** @return where the peer should send (its gateway endpoint) */
    Endpoint front() {
        return local(front);
    }

    /** @return where a second node should send to have its datagrams leave through {@link #back()} */
    Endpoint attackerFront() {
        return local(attackerFront);
    }

    /** @return the address the gateway sees: the peer's endpoint, shared by the injected packets */
    Endpoint back() {
        return local(back);
    }

    /** @return copies of every datagram the peer sent, in order */
    List<byte[]> capturedFromPeer() {
        return List.copyOf(fromPeer);
    }

    /** @return how many datagrams came in on the attacker front and went out to the gateway */
    long forwardedFromAttacker() {
        return fromAttackerFront.get();
    }

    /** Sends {@code datagram} to the gateway from the back socket: the peer's own IP:port. */
    void inject(byte[] datagram) {
        try {
            back.send(ByteBuffer.wrap(datagram), gateway);
        } catch (IOException e) {
            throw new UncheckedIOException("inject failed", e);
        }
    }

    private void pump(DatagramChannel in, boolean isPeer) {
        ByteBuffer buf = ByteBuffer.allocate(MAX_DATAGRAM);
        try {
            while (true) {
                buf.clear();
                SocketAddress from = in.receive(buf);
                buf.flip();
                byte[] datagram = Arrays.copyOf(buf.array(), buf.remaining());
                if (isPeer) {
                    peer.set(from);
                    fromPeer.add(datagram);
                } else {
                    fromAttackerFront.incrementAndGet();
                }
                back.send(ByteBuffer.wrap(datagram), gateway);
            }
        } catch (ClosedChannelException closed) {
            // closed by close(): the relay is done
        } catch (IOException e) {
            throw new UncheckedIOException("relay front failed", e);
        }
    }

    private void pumpBack() {
        ByteBuffer buf = ByteBuffer.allocate(MAX_DATAGRAM);
        try {
            while (true) {
                buf.clear();
                back.receive(buf);
                buf.flip();
                SocketAddress to = peer.get();
                if (to != null) {
                    front.send(buf, to);
                }
            }
        } catch (ClosedChannelException closed) {
            // closed by close(): the relay is done
        } catch (IOException e) {
            throw new UncheckedIOException("relay back failed", e);
        }
    }

    private static Endpoint local(DatagramChannel ch) {
        try {
            InetSocketAddress a = (InetSocketAddress) ch.getLocalAddress();
            return Endpoint.of(a.getAddress(), a.getPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        try (front; attackerFront; back) {
            // closing the channels ends the pump threads
        }
        for (Thread t : threads) {
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
