package io.postern.engine;

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
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place the engine calls the session policy (a plugin may be slow, stuck or broken), so
 * every call has the same guard:
 * <ul>
 *   <li>{@link #decide} runs the policy on one of {@value #MAX_IN_FLIGHT} threads of its own and
 *       waits at most a time budget ({@link #DEFAULT_BUDGET}); the caller holds no peer monitor. A
 *       policy that {@linkplain SessionPolicy#decidesWithoutBlocking() decides without blocking}
 *       (the built-in ones) is asked on the caller's thread instead: the hand-off cost two thread
 *       wake-ups per identity change, milliseconds of reconnect latency on a busy machine;</li>
 *   <li>a throw, a {@code null}, a missed budget, or all threads still busy is a <em>fault</em>:
 *       counted, logged (at most once per {@link #LOG_INTERVAL}, with how many were not), reported
 *       as a {@link GatewayEvent.PolicyFault}, and the deployment's {@link OnPolicyFault} decides;</li>
 *   <li>after a missed budget the policy is not asked again for {@link #COOLDOWN} (engine clock):
 *       the fallback applies at once, so a stuck plugin costs the handshake worker one budget per
 *       cooldown, not one per handshake, and other handshakes go on;</li>
 *   <li>{@link #onEvent} hands events to one thread of the policy's own through a bounded queue
 *       ({@value #EVENT_QUEUE}); when the policy falls that far behind, its events are dropped
 *       (counted), never the engine's. A policy that does not override {@link SessionPolicy#onEvent}
 *       (the built-in ones) gets no thread and no hand-off: a thread per engine that nobody listens
 *       to cost 10,000 threads in a process running 10,000 client engines.</li>
 * </ul>
 * Thread-safe. {@link #close()} stops the threads, interrupting calls still running.
 */
final class PolicyGuard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyGuard.class);

    /** How long a decision may take; the SPI asks for under a millisecond. */
    static final Duration DEFAULT_BUDGET = Duration.ofMillis(50);
    /** After a missed budget, how long the fallback applies without asking the policy. */
    static final Duration COOLDOWN = Duration.ofSeconds(1);
    /** Decisions that may be running at once; more means the policy is stuck. */
    static final int MAX_IN_FLIGHT = 4;
    /** Events waiting for the policy's {@code onEvent} before new ones are dropped. */
    static final int EVENT_QUEUE = 1024;
    /** At most one fault line per interval. */
    static final Duration LOG_INTERVAL = Duration.ofSeconds(1);

    /** The policy's answer, or the fallback's with the fault that made it apply. */
    record Verdict(PolicyDecision decision, GatewayEvent.PolicyFault fault) {}

    private final SessionPolicy policy;
    private final OnPolicyFault onFault;
    private final long budgetNanos;
    private final LongSupplier clockMillis;
    private final LongAdder faults;
    private final ThreadPoolExecutor decisions;
    /** {@code null} when the policy does not listen to events. */
    private final ThreadPoolExecutor events;
    private final AtomicLong droppedEvents = new AtomicLong();
    private final LogLimiter faultLines;
    private volatile long coolDownUntil = Long.MIN_VALUE;
    /** The policy said it {@linkplain SessionPolicy#decidesWithoutBlocking() decides without blocking}: asked on the caller's thread. */
    private final boolean inline;

    /**
     * @param policy      the configured policy
     * @param onFault     what applies when it faults
     * @param budget      how long to wait for one decision
     * @param clockMillis the engine clock (cool-down and log intervals)
     * @param faults      the engine's policy-fault counter
     */
    PolicyGuard(SessionPolicy policy, OnPolicyFault onFault, Duration budget, LongSupplier clockMillis,
                LongAdder faults) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.onFault = Objects.requireNonNull(onFault, "onFault");
        this.budgetNanos = budget.toNanos();
        this.clockMillis = clockMillis;
        this.faults = faults;
        this.faultLines = new LogLimiter(LOG_INTERVAL, clockMillis);
        this.inline = policy.decidesWithoutBlocking();
        String name = policy.name();
        this.decisions = new ThreadPoolExecutor(0, MAX_IN_FLIGHT, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                Thread.ofPlatform().daemon().name("postern-policy-" + name + "-", 0).factory());
        this.events = listensToEvents(policy)
                ? new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(EVENT_QUEUE),
                        Thread.ofPlatform().daemon().name("postern-policy-events-" + name).factory())
                : null;
    }

    /** @return whether {@code policy}'s class overrides {@link SessionPolicy#onEvent} (the default ignores events) */
    static boolean listensToEvents(SessionPolicy policy) {
        try {
            return policy.getClass().getMethod("onEvent", GatewayEvent.class).getDeclaringClass() != SessionPolicy.class;
        } catch (NoSuchMethodException e) {
            return true; // cannot happen for a SessionPolicy; hand events over rather than lose them
        }
    }

    /** @return the configured policy's name */
    String policyName() {
        return policy.name();
    }

    /**
     * Asks the policy about {@code change}. Call it holding no peer monitor: it may wait up to the
     * budget.
     *
     * @return the policy's decision, or the fallback's with the fault
     */
    Verdict decide(IdentityChange change) {
        if (inline) {
            PolicyDecision d;
            try {
                d = policy.onIdentityChange(change);
            } catch (RuntimeException e) {
                return fault(change, e.toString());
            }
            return d != null ? new Verdict(d, null) : fault(change, "returned null");
        }
        if (clockMillis.getAsLong() < coolDownUntil) {
            return fault(change, "not asked: it missed its " + budgetMillis() + " ms budget less than "
                    + COOLDOWN.toMillis() + " ms ago");
        }
        Future<PolicyDecision> answer;
        try {
            answer = decisions.submit(() -> policy.onIdentityChange(change));
        } catch (RejectedExecutionException e) {
            return fault(change, "still busy with " + MAX_IN_FLIGHT + " earlier decisions");
        }
        try {
            PolicyDecision d = answer.get(budgetNanos, TimeUnit.NANOSECONDS);
            return d != null ? new Verdict(d, null) : fault(change, "returned null");
        } catch (TimeoutException e) {
            answer.cancel(true);
            coolDownUntil = clockMillis.getAsLong() + COOLDOWN.toMillis();
            return fault(change, "gave no decision within " + budgetMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof VirtualMachineError vme) {
                throw vme; // out of memory is the process's problem, not the policy's
            }
            return fault(change, String.valueOf(cause));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer.cancel(true);
            return fault(change, "interrupted while waiting for it");
        }
    }

    private long budgetMillis() {
        return TimeUnit.NANOSECONDS.toMillis(budgetNanos);
    }

    private Verdict fault(IdentityChange change, String error) {
        faults.increment();
        PolicyDecision fallback = onFault.decision();
        long suppressed = faultLines.admit();
        if (suppressed >= 0) {
            LOG.error("session policy {} failed ({}) on {} replacing {} at {}; applying OnPolicyFault = {} ({})"
                            + " suppressed={}", policy.name(), error, change.newcomer().shortForm(),
                    change.incumbent().shortForm(), change.endpoint(), onFault.configName(), fallback,
                    suppressed);
        }
        return new Verdict(fallback, new GatewayEvent.PolicyFault(policy.name(), error, fallback, change.now()));
    }

    /** Hands {@code event} to the policy's {@code onEvent} on the policy's event thread; never blocks. */
    void onEvent(GatewayEvent event) {
        if (events == null) {
            return;
        }
        try {
            events.execute(() -> {
                try {
                    policy.onEvent(event);
                } catch (RuntimeException e) {
                    LOG.debug("session policy {} failed on an event ({})", policy.name(), e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            if (droppedEvents.getAndIncrement() == 0) {
                LOG.warn("session policy {} is {} events behind; dropping events for it", policy.name(), EVENT_QUEUE);
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
        if (events != null) {
            events.shutdownNow();
        }
    }
}
