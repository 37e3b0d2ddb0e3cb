package io.postern.spi;

/**
 * A plugin that takes settings. Any plugin — a {@link SessionPolicy}, {@link Admission},
 * {@link PacketHandler} or {@link TransportProvider} — may implement it besides its SPI; the gateway
 * then hands it its own section of the configuration file, as Helidon and Guice-based systems hand a
 * provider its configuration:
 *
 * <pre>
 * [Interface]
 * SessionPolicy = pinned-keys
 *
 * [Plugin.pinned-keys]
 * Pin = hK3m...=, 9fQa...=
 * Approve = hK3m...= -&gt; 9fQa...=
 * </pre>
 *
 * <p><b>Life cycle.</b> The gateway creates the provider (public no-argument constructor), then —
 * before it is used for anything, and only when the configuration selects it — calls
 * {@link #configure} once with the section {@code [Plugin.NAME]} whose NAME is the plugin's
 * {@code name()}; with no such section it gets an {@linkplain PluginConfig#isEmpty() empty} one, so
 * a plugin that needs a setting says so. Read and check every setting there, keep what you need in
 * fields, and throw a {@link PluginConfigException} (the typed getters of
 * {@link PluginConfig} do it for you, and {@link PluginConfig#invalid} makes one) when something is
 * missing or wrong: the gateway does not start, and prints the message, which names file, line and key.
 * A key the plugin does not know should be an error too ({@link PluginConfig#requireOnly}): a typo
 * must not silently leave a default in force.
 *
 * <p><b>Changes need a restart.</b> Settings are read once, when the gateway starts;
 * {@code postern syncconf} applies {@code [Peer]} sections only and leaves plugins as they are.
 * The gateway calls {@link #configure} before any other method but {@code name()}, on the thread
 * that starts it, and publishes the plugin safely afterwards.
 *
 * <p>A section for a plugin that is not {@code Configurable}, or for a name nothing installed has,
 * is a configuration error naming its line.
 */
public interface Configurable {
    /**
     * Applies the plugin's settings.
     *
     * @param config the plugin's section (empty when the file has none); read-only
     * @throws IllegalArgumentException (preferably a {@link PluginConfigException}) naming the bad setting
     */
    void configure(PluginConfig config);
}
