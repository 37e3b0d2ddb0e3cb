package io.postern.gateway.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Map;
import java.util.function.Function;

/**
 * Postern's logging, set up in code: INFO and above to stderr (stdout is for command output such as
 * keys), one line per event: time, level, logger, then a message in key=value style. The root level
 * comes from the {@value #LEVEL} system property, else the environment variable of that name, else
 * INFO (a name Logback does not know reads as DEBUG, as Logback's own level parsing does).
 *
 * <p>Why not {@code logback.xml}: Logback's XML configuration parses the file with the JDK's XML
 * parser and interprets it, about 0.1 s of a gateway's start (issue 17, {@code docs/fast-path.md});
 * this does the same in well under a millisecond. A configuration the user chooses still wins: with
 * the {@code logback.configurationFile} property set, or a {@code logback-test.xml} (tests) or
 * {@code logback.xml} (an application embedding the gateway) on the class or module path, this steps
 * aside and Logback reads that file as usual.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogConfigurator extends ContextAwareBase implements Configurator {
    /** The property (or environment variable) giving the root level. */
    public static final String LEVEL = "POSTERN_LOG_LEVEL";
    /** The layout of each line. */
    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{36} - %msg%n";

    /** Created by Logback through ServiceLoader. */
    public LogConfigurator() {}

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        ClassLoader loader = LogConfigurator.class.getClassLoader();
        if (System.getProperty("logback.configurationFile") != null || loader.getResource("logback-test.xml") != null
                || loader.getResource("logback.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        apply(context, System::getProperty, System.getenv());
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Sets {@code context} up: a stderr appender with {@link #PATTERN} on the root logger at the chosen level. */
    static void apply(LoggerContext context, Function<String, String> properties, Map<String, String> env) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(level(properties, env));
        root.addAppender(stderr);
    }

    /** @return the root level {@value #LEVEL} names (property first, then environment), INFO when neither is set */
    static Level level(Function<String, String> properties, Map<String, String> env) {
        String value = properties.apply(LEVEL);
        if (value == null || value.isBlank()) {
            value = env.get(LEVEL);
        }
        return value == null || value.isBlank() ? Level.INFO : Level.toLevel(value.strip());
    }
}
