package io.postern.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The command line is built for the subcommand it names (the start-time trim of issue 17): only that
 * subcommand's model, and the same parsing, usage and errors as the model with every subcommand.
 */
class CommandLineModelTest {
    private static CommandLine commandLine(String... args) {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return PosternCommand.commandLine(args, InputStream.nullInputStream(), sink, sink, Map.of());
    }

    private static String usage(CommandLine cl) {
        return cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    @Test
    void aNamedSubcommandIsTheOnlyOneBuilt() {
        assertThat(commandLine("up", "--config", "x.conf").getSubcommands()).containsOnlyKeys("up");
        assertThat(commandLine("genkey").getSubcommands()).containsOnlyKeys("genkey");
        assertThat(commandLine("peer", "add").getSubcommands()).containsOnlyKeys("peer");
    }

    @Test
    void everySubcommandIsBuiltWhenNoneOrHelpOrCompletionIsNamed() {
        List<String> all = List.copyOf(PosternCommand.SUBCOMMANDS.keySet());
        assertThat(all).contains("up", "userspace", "genkey", "pubkey", "show", "set", "syncconf", "showconf", "peer",
                "policies", "help", "generate-completion");
        for (String[] args : List.of(new String[0], new String[] {"--help"}, new String[] {"help", "up"},
                new String[] {"generate-completion"}, new String[] {"no-such-command"}, new String[] {"--version", "up"})) {
            assertThat(commandLine(args).getSubcommands().keySet()).as(String.join(" ", args)).containsExactlyElementsOf(all);
        }
    }

    @Test
    void aSubcommandBuiltAloneHasTheSameModelAsAmongAll() {
        CommandLine full = commandLine();
        for (String name : PosternCommand.SUBCOMMANDS.keySet()) {
            if (name.equals("help") || name.equals("generate-completion")) {
                continue;
            }
            CommandLine alone = commandLine(name).getSubcommands().get(name);
            CommandLine among = full.getSubcommands().get(name);
            assertThat(usage(alone)).as(name).isEqualTo(usage(among));
            assertThat(alone.getSubcommands().keySet()).as(name).containsExactlyElementsOf(among.getSubcommands().keySet());
            assertThat(alone.getCommandSpec().options().stream().map(CommandLine.Model.OptionSpec::longestName).toList())
                    .as(name).isEqualTo(among.getCommandSpec().options().stream().map(CommandLine.Model.OptionSpec::longestName).toList());
        }
    }

    @Test
    void helpListsEverySubcommandInOrderAndCompletionIsVisible() {
        String help = usage(commandLine("--help"));
        int last = -1;
        for (String name : List.of("up", "userspace", "genkey", "pubkey", "show", "set", "syncconf", "showconf", "peer",
                "policies", "help", "generate-completion")) {
            int at = help.indexOf("  " + name + " ");
            assertThat(at).as(name).isGreaterThan(last);
            last = at;
        }
    }

    @Test
    void errorsInANamedSubcommandReadAsBefore() {
        MainTest.Result bad = MainTest.run("", "up", "--no-such-option");
        assertThat(bad.code()).isEqualTo(PosternCommand.USAGE);
        assertThat(bad.err()).contains("postern: Unknown option: '--no-such-option'").contains("see 'postern --help'");
        MainTest.Result unknown = MainTest.run("", "upp");
        assertThat(unknown.code()).isEqualTo(PosternCommand.USAGE);
        assertThat(unknown.err()).contains("upp");
        MainTest.Result sub = MainTest.run("", "up", "--help");
        assertThat(sub.code()).isZero();
        assertThat(sub.out()).contains("Usage: postern up");
    }
}
