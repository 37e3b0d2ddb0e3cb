package io.postern.it.scenario;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

/**
 * Captures what a logger (and its children) writes, at every level, through a Logback
 * {@link ListAppender} added programmatically; {@link #close()} restores the logger.
 */
final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final Level previousLevel;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    /** @param loggerName e.g. {@code io.postern.engine}: every engine class logs below it */
    LogCapture(String loggerName) {
        if (!(LoggerFactory.getLogger(loggerName) instanceof Logger lb)) {
            throw new IllegalStateException("SLF4J is not bound to Logback: cannot capture " + loggerName);
        }
        logger = lb;
        previousLevel = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        appender.start();
        logger.addAppender(appender);
    }

    /** @return how many captured lines contain {@code text} */
    long count(String text) {
        return appender.list.stream().filter(e -> e.getFormattedMessage().contains(text)).count();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
        logger.setLevel(previousLevel);
    }
}
