package io.postern.gateway;

import io.postern.spi.GatewayEvent;
import io.postern.spi.IdentityChange;
import io.postern.spi.PolicyDecision;
import io.postern.spi.SessionPolicy;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps the configured {@link SessionPolicy} so that a slow or stuck one cannot stall the engine's
 * handshake worker: each decision runs on a small pool of the policy's own threads and is awaited for
 * at most a time budget ({@link #DEFAULT_BUDGET}). Past the budget — or when every pool thread is
 * still busy with an earlier call — it throws {@link PolicyTimeoutException}, which the engine
 * handles like any policy fault: error log, policy-fault counter, the fallback policy's decision.
 * Exceptions and errors of the policy pass through unchanged (the engine handles those too).
 *
 * <p>{@link #onEvent} is handed to one thread of its own through a bounded queue, in order; when
 * the policy falls that far behind, events are dropped for it (counted, warned once).
 *
 * <p>Thread-safe. {@link #close()} stops the threads (interrupting a stuck call).
 */
final class TimeBoundSessionPolicy implements SessionPolicy, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TimeBoundSessionPolicy.class);

    /** How long a decision may take; the SPI asks policies to return quickly, so this is generous. */
    static final Duration DEFAULT_BUDGET = Duration.ofMillis(50);
    /** Decisions that may be running at once; more means the policy is stuck. */
    static final int MAX_IN_FLIGHT = 4;
    /** Events waiting for the policy's {@link #onEvent} before new ones are dropped. */
    static final int EVENT_QUEUE = 1024;

    private final SessionPolicy delegate;
    private final Duration budget;
    private final ThreadPoolExecutor decisions;
    private final ThreadPoolExecutor events;
    private final AtomicLong droppedEvents = new AtomicLong();

    /**
     * @param delegate the configured policy
     * @param budget   how long to wait for one decision
     */
    TimeBoundSessionPolicy(SessionPolicy delegate, Duration budget) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.budget = Objects.requireNonNull(budget, "budget");
        String name = delegate.name();
        this.decisions = new ThreadPoolExecutor(0, MAX_IN_FLIGHT, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                daemon("postern-policy-" + name + "-", true));
        this.events = new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(EVENT_QUEUE),
                daemon("postern-policy-events-" + name, false));
    }

    private static ThreadFactory daemon(String name, boolean numbered) {
        Thread.Builder.OfPlatform builder = Thread.ofPlatform().daemon();
        return (numbered ? builder.name(name, 0) : builder.name(name)).factory();
    }

    /** @return the wrapped policy */
    SessionPolicy delegate() {
        return delegate;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public String description() {
        return delegate.description();
    }

    /**
     * @return the policy's decision (null if it answered null)
     * @throws PolicyTimeoutException when the policy gave no decision within the budget, or is
     *                                still busy with {@link #MAX_IN_FLIGHT} earlier calls
     */
    @Override
    public PolicyDecision onIdentityChange(IdentityChange change) {
        Future<PolicyDecision> decision;
        try {
            decision = decisions.submit(() -> delegate.onIdentityChange(change));
        } catch (RejectedExecutionException e) {
            throw new PolicyTimeoutException(delegate.name() + " is still busy with " + MAX_IN_FLIGHT
                    + " earlier decisions");
        }
        try {
            return decision.get(budget.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            decision.cancel(true);
            throw new PolicyTimeoutException(delegate.name() + " gave no decision within " + budget.toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            decision.cancel(true);
            throw new PolicyTimeoutException("interrupted while waiting for " + delegate.name());
        }
    }

    @Override
    public void onEvent(GatewayEvent event) {
        try {
            events.execute(() -> {
                try {
                    delegate.onEvent(event);
                } catch (RuntimeException e) {
                    LOG.error("session policy {} failed on an event ({})", delegate.name(), e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            if (droppedEvents.getAndIncrement() == 0) {
                LOG.warn("session policy {} is {} events behind; dropping events for it", delegate.name(), EVENT_QUEUE);
            }
        }
    }

    /** @return events not handed to the policy because it fell behind */
    long droppedEvents() {
        return droppedEvents.get();
    }

    /** Stops the policy's threads, interrupting calls still running. */
    @Override
    public void close() {
        decisions.shutdownNow();
        events.shutdownNow();
    }
}
