package io.postern.engine;

import io.postern.net.Endpoint;
import io.postern.wire.WireMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handshake messages (initiations and responses whose mac1 verified) waiting for a handshake
 * worker, so that the Diffie-Hellman work of a flood runs off the transport receive thread and
 * cannot delay transport data (wireguard-go {@code device.queue.handshake} and
 * {@code RoutineHandshake}). The queue is bounded: a message that finds it full is refused.
 *
 * <p>Its depth is the load signal: from {@code underLoadThreshold} waiting messages on, the engine
 * is "under load" and stays so for {@link ProtocolConstants#UNDER_LOAD_AFTER_TIME} after the depth
 * last reached it (wireguard-go {@code IsUnderLoad}). With zero workers messages are processed
 * inline on the calling thread (deterministic tests).
 */
final class HandshakeQueue implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HandshakeQueue.class);
    private static final long UNDER_LOAD_AFTER = ProtocolConstants.UNDER_LOAD_AFTER_TIME.toMillis();
    /** At most one WARN line about failed messages per interval. */
    static final Duration WARN_INTERVAL = Duration.ofSeconds(1);

    /** One message to process. */
    private record Job(Endpoint source, WireMessage message) {}

    private final ArrayBlockingQueue<Job> queue;
    private final int workerCount;
    private final int threshold;
    private final LongSupplier clock;
    private final BiConsumer<Endpoint, WireMessage> processor;
    private final List<Thread> workers = new ArrayList<>();
    private volatile long underLoadUntil = Long.MIN_VALUE;
    private volatile boolean closed;
    private final LogLimiter failures;

    /**
     * @param processor what a worker does with each message (must not throw; failures are logged, rate-limited)
     */
    HandshakeQueue(EngineSettings settings, LongSupplier clockMillis, BiConsumer<Endpoint, WireMessage> processor) {
        this.queue = new ArrayBlockingQueue<>(settings.handshakeQueueCapacity());
        this.workerCount = settings.handshakeWorkers();
        this.threshold = settings.underLoadThreshold();
        this.clock = clockMillis;
        this.processor = processor;
        this.failures = new LogLimiter(WARN_INTERVAL, clockMillis);
    }

    /** Starts the worker threads (none when inline); idempotent. */
    synchronized void start() {
        if (!workers.isEmpty() || closed) {
            return;
        }
        for (int i = 0; i < workerCount; i++) {
            Thread t = new Thread(this::work, "postern-handshake-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
    }

    /**
     * Queues a message for a worker, or processes it now when inline.
     *
     * @return {@code false} when the queue is full (the caller drops it: {@code CAPACITY})
     */
    boolean submit(Endpoint source, WireMessage message) {
        if (workerCount == 0) {
            processor.accept(source, message);
            return true;
        }
        return !closed && queue.offer(new Job(source, message));
    }

    /** @return whether the engine is under load now (wireguard-go {@code IsUnderLoad}) */
    boolean underLoad() {
        long now = clock.getAsLong();
        if (workerCount > 0 && queue.size() >= threshold) {
            underLoadUntil = now + UNDER_LOAD_AFTER;
            return true;
        }
        return now < underLoadUntil;
    }

    /** Holds the engine under load until {@code untilMillis} (engine clock), as a deep queue would. */
    void holdUnderLoadUntil(long untilMillis) {
        underLoadUntil = untilMillis;
    }

    /** @return whether the workers run: each started thread is alive (always true when inline) */
    synchronized boolean workersAlive() {
        return !closed && workers.size() == workerCount && workers.stream().allMatch(Thread::isAlive);
    }

    /** @return messages waiting */
    int depth() {
        return queue.size();
    }

    private void work() {
        while (!closed) {
            Job job;
            try {
                job = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                processor.accept(job.source(), job.message());
            } catch (RuntimeException e) {
                failed(job.source(), e);
            }
            // an Error ends this thread and reaches its uncaught-exception handler: the gateway's ends
            // the process (a worker that died quietly would leave a deaf gateway running)
        }
    }

    /** A WARN line per {@link #WARN_INTERVAL} at most (a sender could trigger a bug on every message). */
    private void failed(Endpoint source, RuntimeException e) {
        long suppressed = failures.admit();
        if (suppressed >= 0) {
            LOG.warn("failed to process a handshake message from {} suppressed={}", source, suppressed, e);
        }
    }

    /** Stops the workers; queued messages are discarded. */
    @Override
    public synchronized void close() {
        closed = true;
        workers.forEach(Thread::interrupt);
        queue.clear();
    }
}
