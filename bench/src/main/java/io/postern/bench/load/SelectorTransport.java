package io.postern.bench.load;

import io.postern.net.Endpoint;
import io.postern.spi.DatagramReceiver;
import io.postern.spi.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.atomic.LongAdder;

/**
 * A bench-only {@link Transport}: one non-blocking {@link DatagramChannel} whose receiving is done
 * by a shared {@link SelectorLoop}. Records when it first sent (the start of a reconnect).
 */
final class SelectorTransport implements Transport {
    private final DatagramChannel channel;
    private final SelectorLoop loop;
    private final Endpoint local;
    private final LongAdder errors = new LongAdder();
    private volatile long firstSendNanos;

    private SelectorTransport(DatagramChannel channel, SelectorLoop loop) throws IOException {
        this.channel = channel;
        this.loop = loop;
        this.local = new Endpoint((InetSocketAddress) channel.getLocalAddress());
    }

    /** Binds {@code local} (port 0: any free port). */
    static SelectorTransport bind(SelectorLoop loop, InetSocketAddress local) throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        try {
            channel.bind(local);
            return new SelectorTransport(channel, loop);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public Endpoint localEndpoint() {
        return local;
    }

    @Override
    public void start(DatagramReceiver receiver) {
        try {
            loop.register(channel, receiver);
        } catch (IOException e) {
            throw new IllegalStateException("cannot register " + local, e);
        }
    }

    @Override
    public boolean send(Endpoint to, byte[] buffer, int offset, int length) {
        if (firstSendNanos == 0) {
            firstSendNanos = System.nanoTime();
        }
        try {
            if (channel.send(ByteBuffer.wrap(buffer, offset, length), to.address()) == length) {
                return true;
            }
        } catch (IOException e) {
            // counted below
        }
        errors.increment();
        return false;
    }

    /** @return {@link System#nanoTime()} of the first send, or 0 */
    long firstSendNanos() {
        return firstSendNanos;
    }

    @Override
    public long errors() {
        return errors.sum();
    }

    @Override
    public void close() {
        try {
            loop.release(channel);
        } catch (IOException e) {
            errors.increment();
        }
    }
}
