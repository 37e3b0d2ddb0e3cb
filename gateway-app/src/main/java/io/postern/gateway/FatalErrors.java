package io.postern.gateway;

import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway process's handler for throwables no thread caught: an {@link Error} on any thread
 * (out of memory on the receive thread or a handshake worker, a plugin class that fails to link)
 * ends the process with {@link #EXIT_STATUS}, so a supervisor ({@code Restart=on-failure}) starts a
 * fresh one instead of a JVM that stays up with its packet threads dead. An uncaught exception is
 * only logged. The launchers also pass {@code -XX:+ExitOnOutOfMemoryError}, which ends the process
 * even where no thread gets to run this.
 */
final class FatalErrors implements Thread.UncaughtExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(FatalErrors.class);

    /** The exit status after a fatal error (EX_SOFTWARE, sysexits.h). */
    static final int EXIT_STATUS = 70;

    private final IntConsumer halt;

    /** @param halt ends the process with a status ({@code Runtime::halt} in production) */
    FatalErrors(IntConsumer halt) {
        this.halt = halt;
    }

    /** Installs the handler for every thread of this process. */
    static void install() {
        Thread.setDefaultUncaughtExceptionHandler(new FatalErrors(Runtime.getRuntime()::halt));
    }

    @Override
    public void uncaughtException(Thread thread, Throwable t) {
        if (!(t instanceof Error)) {
            LOG.error("uncaught exception on thread {}", thread.getName(), t);
            return;
        }
        try {
            LOG.error("fatal error on thread {}; the process ends with status {}", thread.getName(), EXIT_STATUS, t);
        } catch (Throwable logFailed) {
            // out of memory may fail the log line too: end anyway
        } finally {
            // halt, not exit: shutdown hooks could wait on the very threads that died
            halt.accept(EXIT_STATUS);
        }
    }
}
