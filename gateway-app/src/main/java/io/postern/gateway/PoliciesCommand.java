package io.postern.gateway;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code postern policies [--plugins DIR]}: lists the plugins of every SPI (module path and plugins directory), with their descriptions. */
@Command(mixinStandardHelpOptions = true, name = "policies", description = "List the available plugins of each kind (session policies, admission, "
        + "handlers, crypto, handshakes, transports) with what they do.")
final class PoliciesCommand implements Callable<Integer> {
    private static final Map<String, String> DEFAULTS = Map.of(
            "SessionPolicy", NodeConfig.DEFAULT_SESSION_POLICY,
            "Admission", NodeConfig.DEFAULT_ADMISSION,
            "Handler", NodeConfig.DEFAULT_HANDLER,
            "CryptoProvider", NodeConfig.DEFAULT_CRYPTO_PROVIDER,
            "Handshake", NodeConfig.DEFAULT_HANDSHAKE,
            "Transport", NodeConfig.DEFAULT_TRANSPORT);
    /** Where a rule qualifies the default, said beside it. */
    private static final Map<String, String> DEFAULT_NOTES = Map.of("Handler", " without Address");

    @ParentCommand
    PosternCommand parent;

    @Option(names = "--plugins", paramLabel = "DIR",
            description = "Directory of plugin jars (default: $" + UpCommand.PLUGINS_DIR_ENV + ").")
    Path plugins;

    @Override
    public Integer call() {
        PluginRegistry registry = PluginRegistry.load(UpCommand.pluginsDir(plugins, parent.env));
        boolean first = true;
        for (NamedPlugins<?> plugins : registry.all()) {
            if (!first) {
                parent.out.println();
            }
            first = false;
            print(plugins);
        }
        for (RefusedPlugin r : registry.refused()) {
            parent.out.println();
            parent.out.println("refused plugin " + r);
        }
        return 0;
    }

    private <T> void print(NamedPlugins<T> plugins) {
        parent.out.println(plugins.kind() + ":");
        if (plugins.names().isEmpty()) {
            parent.out.println("  (none on the module path)");
        }
        int width = plugins.names().stream().mapToInt(String::length).max().orElse(0);
        for (String name : plugins.names()) {
            parent.out.printf("  %-" + width + "s  %s%s%n", name, plugins.describe(name), mark(plugins.kind(), name));
        }
    }

    /** @return what is said beside plugin {@code name} of {@code kind}: whether it is the default, or the first-run config's choice */
    static String mark(String kind, String name) {
        String firstRun = FirstRunConfig.PLUGINS.get(kind);
        if (name.equals(DEFAULTS.get(kind))) {
            return " (default" + DEFAULT_NOTES.getOrDefault(kind, "")
                    + (firstRun != null && !firstRun.equals(name) ? "; the first-run config uses " + firstRun : "") + ")";
        }
        if (name.equals(firstRun)) {
            return " (the first-run config's choice)";
        }
        return kind.equals("Handler") && name.equals("ip") ? " (default when Address is set)" : "";
    }
}
