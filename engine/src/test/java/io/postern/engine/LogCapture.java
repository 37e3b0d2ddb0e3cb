package io.postern.engine;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Captures what one class logs (logback is the test-scope SLF4J binding). */
final class LogCapture implements AutoCloseable {
    static {
        // the tests run patched into io.postern.engine, which does not read logback: grant it here
        for (String name : new String[] {"ch.qos.logback.classic", "ch.qos.logback.core"}) {
            ModuleLayer.boot().findModule(name).ifPresent(LogCapture.class.getModule()::addReads);
        }
    }

    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final ch.qos.logback.classic.Level previousLevel;

    LogCapture(Class<?> type) {
        this(type.getName(), null);
    }

    /** Captures everything logged under {@code loggerName}, at {@code level} or above while open (null: unchanged). */
    LogCapture(String loggerName, ch.qos.logback.classic.Level level) {
        logger = (Logger) LoggerFactory.getLogger(loggerName);
        previousLevel = logger.getLevel();
        if (level != null) {
            logger.setLevel(level);
        }
        appender.start();
        logger.addAppender(appender);
    }

    /** @return every captured line: the formatted message and the text of any throwable */
    List<String> everything() {
        return appender.list.stream().map(e -> e.getFormattedMessage()
                + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage())
                + " " + java.util.Arrays.toString(e.getArgumentArray())).toList();
    }

    /** @return the formatted messages logged so far */
    List<String> messages() {
        return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        logger.setLevel(previousLevel);
    }
}
