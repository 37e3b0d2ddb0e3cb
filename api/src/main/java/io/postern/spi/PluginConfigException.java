package io.postern.spi;

import java.io.Serial;

/**
 * A plugin setting that is missing or not valid. The message names the file, the line and the key
 * ({@code postern.conf:12: [Plugin.tcp] MaxConnections: 'many' is not a whole number}), so the gateway
 * can show it as it is. Thrown by {@link PluginConfig}'s typed getters and by {@link PluginConfig#invalid};
 * a plugin's {@link Configurable#configure} may throw it (or any {@link IllegalArgumentException}) to
 * refuse its settings.
 */
public final class PluginConfigException extends IllegalArgumentException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;
    private final String key;
    private final String section;
    private final String problem;

    /**
     * @param source  the file (or other source) the settings came from
     * @param line    the line of the setting, or 0 when it is not on one line (a missing key)
     * @param section the section, e.g. {@code [Plugin.tcp]}
     * @param key     the key
     * @param problem what is wrong
     */
    public PluginConfigException(String source, int line, String section, String key, String problem) {
        super(source + (line > 0 ? ":" + line : "") + ": " + section + " " + key + ": " + problem);
        this.source = source;
        this.line = line;
        this.key = key;
        this.section = section;
        this.problem = problem;
    }

    /** @return the section, e.g. {@code [Plugin.tcp]} */
    public String section() {
        return section;
    }

    /** @return what is wrong, without file, line and key */
    public String problem() {
        return problem;
    }

    /** @return the file the setting came from */
    public String source() {
        return source;
    }

    /** @return the line of the setting, 0 when there is none (a required key is missing) */
    public int line() {
        return line;
    }

    /** @return the key */
    public String key() {
        return key;
    }
}
