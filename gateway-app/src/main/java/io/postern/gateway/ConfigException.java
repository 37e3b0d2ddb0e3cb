package io.postern.gateway;

import java.util.Optional;

/**
 * The configuration cannot be used: a bad value, an unknown key or section, a duplicate peer, a
 * plugin name nobody provides. The message is one line an operator can act on, naming the file,
 * line and key where there are ones, e.g. {@code postern.conf:7: ListenPort: 'abc' is not a port
 * number (1-65535)}. A node never starts half-configured: this is thrown before anything is bound.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final String key;

    /**
     * @param file    the file as the user named it, or null when the problem is not in a file
     * @param line    the 1-based line, or 0 when the problem is about the whole file or section
     * @param key     the configuration key, or null
     * @param problem what is wrong, in words
     */
    public ConfigException(String file, int line, String key, String problem) {
        this(file, line, key, problem, null);
    }

    /** As {@link #ConfigException(String, int, String, String)}, keeping the cause. */
    public ConfigException(String file, int line, String key, String problem, Throwable cause) {
        super(format(file, line, key, problem), cause);
        this.file = file;
        this.line = line;
        this.key = key;
    }

    /** A problem not located in a file, such as a plugin name nobody provides. */
    public ConfigException(String problem) {
        this(null, 0, null, problem, null);
    }

    /**
     * Several problems of one file at once, so that one run reports them all: located at the first,
     * its message lists each on a line of its own.
     */
    public static ConfigException several(java.util.List<ConfigException> problems) {
        ConfigException first = problems.getFirst();
        StringBuilder b = new StringBuilder((first.file != null ? first.file + ": " : "") + problems.size()
                + " problems in the configuration:");
        for (ConfigException p : problems) {
            b.append("\n  ").append(p.getMessage());
        }
        ConfigException all = new ConfigException(first.file, first.line, first.key, b.toString(), null, true);
        problems.forEach(all::addSuppressed);
        return all;
    }

    private ConfigException(String file, int line, String key, String message, Throwable cause, boolean preformatted) {
        super(message, cause);
        this.file = file;
        this.line = line;
        this.key = key;
    }

    private static String format(String file, int line, String key, String problem) {
        StringBuilder b = new StringBuilder();
        if (file != null) {
            b.append(file);
            if (line > 0) {
                b.append(':').append(line);
            }
            b.append(": ");
        }
        if (key != null) {
            b.append(key).append(": ");
        }
        return b.append(problem).toString();
    }

    /** @return the file, if the problem is in one */
    public Optional<String> file() {
        return Optional.ofNullable(file);
    }

    /** @return the 1-based line, or 0 */
    public int line() {
        return line;
    }

    /** @return the key, if the problem is about one */
    public Optional<String> key() {
        return Optional.ofNullable(key);
    }
}
