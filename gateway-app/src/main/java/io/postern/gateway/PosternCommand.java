package io.postern.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The top-level {@code postern} command: holds the streams and environment its subcommands use.
 * {@code postern generate-completion} prints a bash/zsh completion script for all of them.
 */
@Command(name = "postern", mixinStandardHelpOptions = true, version = "postern 0.1.0",
        description = "A WireGuard v1 gateway that lets a peer restarting with a new key back in at once.")
final class PosternCommand implements Callable<Integer> {
    /**
     * The subcommands, in the order {@code --help} lists them. Not in the {@code @Command} annotation:
     * picocli builds the model of every listed subcommand by reflection before parsing, which cost about
     * a quarter of the gateway's start ({@code docs/fast-path.md}); {@link #commandLine} adds only the one
     * the command line names, or all of them when it names none.
     */
    static final Map<String, Class<?>> SUBCOMMANDS = subcommands(UpCommand.class, UserspaceCommand.class,
            GenkeyCommand.class, PubkeyCommand.class, ShowCommand.class, SetCommand.class, SyncconfCommand.class,
            ShowconfCommand.class, PeerCommand.class, PoliciesCommand.class, CommandLine.HelpCommand.class,
            AutoComplete.GenerateCompletion.class);

    private static final Logger LOG = LoggerFactory.getLogger(PosternCommand.class);

    /** Exit code for a failed command (bad configuration, I/O). */
    static final int FAILED = 1;
    /** Exit code for a bad command line. */
    static final int USAGE = 2;

    final InputStream in;
    final PrintStream out;
    final Map<String, String> env;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private PosternCommand(InputStream in, PrintStream out, Map<String, String> env) {
        this.in = in;
        this.out = out;
        this.env = env;
    }

    private static Map<String, Class<?>> subcommands(Class<?>... commands) {
        Map<String, Class<?>> byName = new LinkedHashMap<>();
        for (Class<?> c : commands) {
            byName.put(c.getAnnotation(Command.class).name(), c);
        }
        return Collections.unmodifiableMap(byName);
    }

    /** @return the configured command line with every subcommand: one-line errors, exit codes 0/1/2 */
    static CommandLine commandLine(InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
        return commandLine(new String[0], in, out, err, env);
    }

    /**
     * @param args the command line it is for: when its first word names a subcommand, only that one is
     *             built (parsing, usage and errors of that subcommand are the same as with all of them);
     *             {@code help} and {@code generate-completion} get all, as they describe the others
     * @return the configured command line: one-line errors, exit codes 0/1/2
     */
    static CommandLine commandLine(String[] args, InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
        CommandLine cl = new CommandLine(new PosternCommand(in, out, env));
        Class<?> named = args.length > 0 ? SUBCOMMANDS.get(args[0]) : null;
        if (named == CommandLine.HelpCommand.class || named == AutoComplete.GenerateCompletion.class) {
            named = null; // these two describe the others
        }
        for (Class<?> c : named != null ? List.<Class<?>>of(named) : SUBCOMMANDS.values()) {
            cl.addSubcommand(c);
        }
        CommandLine completion = cl.getSubcommands().get("generate-completion");
        if (completion != null) {
            // picocli hides its completion command by default; operators should find it in --help
            completion.getCommandSpec().usageMessage().hidden(false);
        }
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setParameterExceptionHandler((e, words) -> {
            err.println("postern: " + e.getMessage() + " (see 'postern --help')");
            return USAGE;
        });
        cl.setExecutionExceptionHandler((e, command, parsed) -> {
            err.println("postern: " + oneLine(e));
            LOG.debug("command failed", e);
            return FAILED;
        });
        return cl;
    }

    private static String oneLine(Exception e) {
        Throwable t = e instanceof UncheckedIOException u ? u.getCause() : e;
        String message = t.getMessage();
        if (t instanceof ConfigException || t instanceof IOException || t instanceof IllegalArgumentException) {
            return message == null ? t.getClass().getSimpleName() : message;
        }
        return t.getClass().getName() + (message == null ? "" : ": " + message);
    }

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("postern: missing command (up, userspace, genkey, pubkey, show, set, syncconf, showconf, peer, policies; see 'postern --help')");
        return USAGE;
    }
}
