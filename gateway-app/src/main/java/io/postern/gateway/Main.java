package io.postern.gateway;

import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * The {@code postern} command: {@code up}, {@code genkey}, {@code pubkey}, {@code policies}. Run it
 * through the {@code ./postern} launcher at the repository root, which builds the gateway when
 * needed and puts every module on the module path.
 */
public final class Main {

    /** The system property that turns Guice's bytecode generation off (its ASM cannot read Java 25 classes, google/guice#1822). */
    static final String GUICE_BYTECODE_GEN = "guice_bytecode_gen_option";

    /** The property the logging takes the root level from ({@link io.postern.gateway.logging.LogConfigurator}). */
    static final String USERSPACE_LOG_PROPERTY = io.postern.gateway.logging.LogConfigurator.LEVEL;

    private Main() {}

    /**
     * Runs the command and exits with its code ({@code up} returns only when stopped).
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        // first, before any Guice class is loaded: Guice reads it once, in a static initializer
        if (System.getProperty(GUICE_BYTECODE_GEN) == null) {
            System.setProperty(GUICE_BYTECODE_GEN, "DISABLED");
        }
        if (args.length > 0 && args[0].equals("userspace") && System.getProperty(USERSPACE_LOG_PROPERTY) == null) {
            // wireguard-go's LOG_LEVEL, before the first logger starts logback (LogConfigurator reads this property)
            String level;
            try {
                level = UserspaceCommand.logLevel(System.getenv());
            } catch (IllegalArgumentException e) {
                System.err.println("postern: " + e.getMessage());
                System.exit(PosternCommand.USAGE);
                return;
            }
            if (level != null || System.getenv(USERSPACE_LOG_PROPERTY) == null) {
                System.setProperty(USERSPACE_LOG_PROPERTY, level == null ? "ERROR" : level); // wireguard-go's default: errors only
            }
        }
        // Logback's set-up (~50 ms on a cold JVM) on a thread of its own while this one builds the command
        // line (issue 17); the command runs only once it is done, so nothing it logs is lost or replayed
        Thread logging = Thread.ofPlatform().name(LOGGING_THREAD).daemon(true).start(LoggerFactory::getILoggerFactory);
        FatalErrors.install(); // an Error on any thread (a packet thread out of memory) ends the process
        int code = run(args, System.in, System.out, System.err, System.getenv(), logging);
        System.exit(code);
    }

    /** The name of the thread that sets the logging up while {@link #main} builds the command line. */
    static final String LOGGING_THREAD = "postern-logging";
    /** How long a command waits for the logging set-up before running without it being finished. */
    static final Duration LOGGING_WAIT = Duration.ofSeconds(10);

    /**
     * Runs one command with the given streams and environment (tests use this).
     *
     * @return the exit code: 0 success, 1 failure (bad configuration, I/O), 2 bad command line
     */
    static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
        return run(args, in, out, err, env, null);
    }

    /**
     * @param logging a thread setting the logging up, or null: the command line is built meanwhile (it logs
     *                nothing), the command runs once the thread is done (bounded by {@link #LOGGING_WAIT})
     */
    static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Map<String, String> env,
                   Thread logging) {
        CommandLine commandLine = PosternCommand.commandLine(args, in, out, err, env);
        if (logging != null) {
            try {
                logging.join(LOGGING_WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return commandLine.execute(args);
    }
}
