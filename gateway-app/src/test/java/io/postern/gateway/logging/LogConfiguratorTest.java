package io.postern.gateway.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import java.lang.module.ModuleDescriptor;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogConfiguratorTest {
    private static final Map<String, String> NO_PROPERTIES = Map.of();

    @Test
    void theRootLevelComesFromThePropertyThenTheEnvironmentElseInfo() {
        assertThat(LogConfigurator.level(NO_PROPERTIES::get, Map.of())).isEqualTo(Level.INFO);
        assertThat(LogConfigurator.level(NO_PROPERTIES::get, Map.of("POSTERN_LOG_LEVEL", "DEBUG"))).isEqualTo(Level.DEBUG);
        assertThat(LogConfigurator.level(Map.of("POSTERN_LOG_LEVEL", "error")::get, Map.of("POSTERN_LOG_LEVEL", "DEBUG")))
                .isEqualTo(Level.ERROR);
        assertThat(LogConfigurator.level(Map.of("POSTERN_LOG_LEVEL", " ")::get, Map.of("POSTERN_LOG_LEVEL", "warn")))
                .isEqualTo(Level.WARN);
        // as logback.xml's ${POSTERN_LOG_LEVEL:-INFO} did: Logback reads a name it does not know as DEBUG
        assertThat(LogConfigurator.level(NO_PROPERTIES::get, Map.of("POSTERN_LOG_LEVEL", "loud"))).isEqualTo(Level.DEBUG);
    }

    @Test
    void oneStderrAppenderWithThePatternOnTheRoot() {
        LoggerContext context = new LoggerContext();
        Map<String, String> props = new HashMap<>();
        LogConfigurator.apply(context, props::get, Map.of("POSTERN_LOG_LEVEL", "WARN"));
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.WARN);
        Appender<ILoggingEvent> appender = root.getAppender("STDERR");
        assertThat(appender).isInstanceOf(ConsoleAppender.class);
        ConsoleAppender<ILoggingEvent> console = (ConsoleAppender<ILoggingEvent>) appender;
        assertThat(console.getTarget()).isEqualTo("System.err");
        assertThat(console.isStarted()).isTrue();
        assertThat(((PatternLayoutEncoder) console.getEncoder()).getPattern())
                .isEqualTo("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{36} - %msg%n");
        context.stop();
    }

    @Test
    void itIsTheConfiguratorLogbackFindsAndItConfiguredThisJvm() {
        ModuleDescriptor module = LogConfigurator.class.getModule().getDescriptor();
        if (module != null) { // on the module path: the module provides it to Logback's ServiceLoader
            assertThat(module.provides()).anySatisfy(p -> {
                assertThat(p.service()).isEqualTo(Configurator.class.getName());
                assertThat(p.providers()).contains(LogConfigurator.class.getName());
            });
        }
        // no logback.xml any more: only LogConfigurator names an appender STDERR (Logback's fallback names it "console")
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertThat(root.getAppender("STDERR")).isInstanceOf(ConsoleAppender.class);
    }

    @Test
    void aConfigurationFileTheUserNamesWins() {
        String before = System.getProperty("logback.configurationFile");
        System.setProperty("logback.configurationFile", "elsewhere.xml");
        try {
            LoggerContext context = new LoggerContext();
            LogConfigurator c = new LogConfigurator();
            c.setContext(context);
            assertThat(c.configure(context)).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
            assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("STDERR")).isNull();
        } finally {
            if (before == null) {
                System.clearProperty("logback.configurationFile");
            } else {
                System.setProperty("logback.configurationFile", before);
            }
        }
    }
}
