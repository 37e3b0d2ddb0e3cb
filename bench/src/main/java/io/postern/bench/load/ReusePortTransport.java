package io.postern.bench.load;

import io.postern.net.Endpoint;
import io.postern.spi.DatagramReceiver;
import io.postern.spi.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * A bench-only multi-threaded {@link Transport}: {@code n} blocking {@link DatagramChannel}s bound to
 * the same address with {@code SO_REUSEPORT} (the kernel spreads flows over them by 4-tuple hash),
 * one receive thread each, all delivering to the same receiver. The scaling experiment of issue 8.
 */
final class ReusePortTransport implements Transport {
    private final List<DatagramChannel> channels = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Endpoint local;
    private final LongAdder errors = new LongAdder();

    ReusePortTransport(InetSocketAddress address, int n) throws IOException {
        for (int i = 0; i < n; i++) {
            DatagramChannel c = DatagramChannel.open();
            c.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            c.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            c.bind(i == 0 ? address : channels.getFirst().getLocalAddress());
            channels.add(c);
        }
        local = new Endpoint((InetSocketAddress) channels.getFirst().getLocalAddress());
    }

    @Override
    public Endpoint localEndpoint() {
        return local;
    }

    @Override
    public void start(DatagramReceiver receiver) {
        for (int i = 0; i < channels.size(); i++) {
            DatagramChannel c = channels.get(i);
            threads.add(Thread.ofPlatform().name("reuseport-rx-" + i).daemon(true).start(() -> receive(c, receiver)));
        }
    }

    private void receive(DatagramChannel channel, DatagramReceiver receiver) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(65536);
        byte[] bytes = new byte[65536];
        while (channel.isOpen()) {
            try {
                buffer.clear();
                InetSocketAddress source = (InetSocketAddress) channel.receive(buffer);
                buffer.flip();
                int n = buffer.remaining();
                buffer.get(bytes, 0, n);
                receiver.onDatagram(new Endpoint(source), bytes, 0, n);
            } catch (IOException closed) {
                return;
            }
        }
    }

    @Override
    public boolean send(Endpoint to, byte[] buffer, int offset, int length) {
        try {
            return channels.getFirst().send(ByteBuffer.wrap(buffer, offset, length), to.address()) == length;
        } catch (IOException e) {
            errors.increment();
            return false;
        }
    }

    @Override
    public long errors() {
        return errors.sum();
    }

    @Override
    public void close() {
        for (DatagramChannel c : channels) {
            try {
                c.close();
            } catch (IOException e) {
                errors.increment();
            }
        }
    }
}
