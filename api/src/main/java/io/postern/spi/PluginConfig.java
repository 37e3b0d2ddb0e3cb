package io.postern.spi;

import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A plugin's own settings, read-only: the {@code key = value} lines of its {@code [Plugin.NAME]}
 * section, with typed getters that check the value and, when it is wrong, throw a
 * {@link PluginConfigException} naming file, line and key. Given to {@link Configurable#configure}.
 *
 * <p>Keys are case-insensitive ({@code MaxConnections} and {@code maxconnections} are one key), as
 * in the rest of the file. A key may appear on several lines only if it is read as a list
 * ({@link #list}, {@link #publicKeys}), whose values are the comma-separated entries of every such
 * line in order; read as a single value, a repeated key is an error naming both lines.
 *
 * <p>Value forms: strings as written (no quotes: leading and trailing blanks are dropped, {@code #}
 * starts a comment); whole numbers in decimal; booleans {@code true}/{@code false}/{@code yes}/
 * {@code no}/{@code on}/{@code off}; durations as a number and a unit — {@code 250ms}, {@code 30s},
 * {@code 5m}, {@code 1h} — or a bare number of seconds; keys in base64 as {@code wg pubkey} prints
 * them; endpoints as in {@link Endpoint#parse}.
 *
 * <p>Immutable and thread-safe. Plugins' tests build one with {@link #of}.
 */
public final class PluginConfig {
    /**
     * One {@code key = value} line.
     *
     * @param key   the key as written
     * @param value the value, stripped
     * @param line  its line in the file (1-based), or 0 when it does not come from a file
     */
    public record Setting(String key, String value, int line) {
        public Setting {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }

    private final String plugin;
    private final String source;
    private final int sectionLine;
    private final Map<String, List<Setting>> settings;

    private PluginConfig(String plugin, String source, int sectionLine, Map<String, List<Setting>> settings) {
        this.plugin = plugin;
        this.source = source;
        this.sectionLine = sectionLine;
        this.settings = settings;
    }

    /**
     * @param plugin   the plugin's name (the section is {@code [Plugin.plugin]})
     * @param source   the file name to put in messages
     * @param settings the section's lines in file order
     * @return the settings
     */
    public static PluginConfig of(String plugin, String source, List<Setting> settings) {
        return of(plugin, source, 0, settings);
    }

    /**
     * @param plugin      the plugin's name (the section is {@code [Plugin.plugin]})
     * @param source      the file name to put in messages
     * @param sectionLine the line of the section header, 0 when there is none
     * @param settings    the section's lines in file order
     * @return the settings
     */
    public static PluginConfig of(String plugin, String source, int sectionLine, List<Setting> settings) {
        Objects.requireNonNull(plugin, "plugin");
        Objects.requireNonNull(source, "source");
        Map<String, List<Setting>> byKey = new LinkedHashMap<>();
        for (Setting s : settings) {
            byKey.computeIfAbsent(s.key().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(s);
        }
        byKey.replaceAll((k, v) -> List.copyOf(v));
        return new PluginConfig(plugin, source, sectionLine, Collections.unmodifiableMap(byKey));
    }

    /** @return a section with no settings (a plugin whose file has no section for it gets one) */
    public static PluginConfig empty(String plugin, String source) {
        return of(plugin, source, List.of());
    }

    /** @return the plugin's name */
    public String plugin() {
        return plugin;
    }

    /** @return the file the settings came from */
    public String source() {
        return source;
    }

    /** @return the line of the section header in {@link #source()}, 0 when there is none */
    public int sectionLine() {
        return sectionLine;
    }

    /** @return {@code [Plugin.NAME]} */
    public String section() {
        return "[Plugin." + plugin + "]";
    }

    /** @return whether the section holds no setting */
    public boolean isEmpty() {
        return settings.isEmpty();
    }

    /** @return the keys present, lower case, sorted */
    public Set<String> keys() {
        return Collections.unmodifiableSet(new TreeSet<>(settings.keySet()));
    }

    /** @return whether {@code key} is set */
    public boolean has(String key) {
        return settings.containsKey(key.toLowerCase(Locale.ROOT));
    }

    /**
     * Checks that every key present is one of {@code known} (case-insensitive).
     *
     * @throws PluginConfigException naming the first unknown key and listing the known ones
     */
    public void requireOnly(String... known) {
        Set<String> ok = new TreeSet<>();
        for (String k : known) {
            ok.add(k.toLowerCase(Locale.ROOT));
        }
        for (List<Setting> s : settings.values()) {
            Setting first = s.getFirst();
            if (!ok.contains(first.key().toLowerCase(Locale.ROOT))) {
                throw invalid(first, "unknown key for plugin " + plugin + "; known: " + String.join(", ", known));
            }
        }
    }

    /** @return the value of a single-valued key, if set */
    public Optional<String> string(String key) {
        return single(key).map(Setting::value);
    }

    /** @return the value of a single-valued key, or {@code otherwise} */
    public String string(String key, String otherwise) {
        return string(key).orElse(otherwise);
    }

    /** @throws PluginConfigException when the key is not set */
    public String requireString(String key) {
        return string(key).orElseThrow(() -> missing(key));
    }

    /**
     * @return a whole number within {@code [min, max]}, or {@code otherwise} when not set
     * @throws PluginConfigException when it is not a whole number or out of range
     */
    public int integer(String key, int otherwise, int min, int max) {
        Optional<Setting> s = single(key);
        if (s.isEmpty()) {
            return otherwise;
        }
        String v = s.get().value();
        long n;
        try {
            n = v.length() > 12 ? Long.MAX_VALUE : Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw invalid(s.get(), "'" + v + "' is not a whole number");
        }
        if (n < min || n > max) {
            throw invalid(s.get(), "'" + v + "' is outside " + min + "-" + max);
        }
        return (int) n;
    }

    /**
     * @return {@code true}/{@code yes}/{@code on} or {@code false}/{@code no}/{@code off}, or {@code otherwise}
     * @throws PluginConfigException when it is none of them
     */
    public boolean bool(String key, boolean otherwise) {
        Optional<Setting> s = single(key);
        if (s.isEmpty()) {
            return otherwise;
        }
        return switch (s.get().value().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw invalid(s.get(), "'" + s.get().value() + "' is not true/false, yes/no or on/off");
        };
    }

    /**
     * @return a duration within {@code [min, max]}, or {@code otherwise} when not set
     * @throws PluginConfigException when it is not {@code N}, {@code Nms}, {@code Ns}, {@code Nm} or {@code Nh}, or out of range
     */
    public Duration duration(String key, Duration otherwise, Duration min, Duration max) {
        Optional<Setting> s = single(key);
        if (s.isEmpty()) {
            return otherwise;
        }
        Duration d = parseDuration(s.get().value());
        if (d == null) {
            throw invalid(s.get(), "'" + s.get().value() + "' is not a duration (e.g. 250ms, 30s, 5m, 1h, or seconds)");
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw invalid(s.get(), "'" + s.get().value() + "' is outside " + min + " to " + max);
        }
        return d;
    }

    /**
     * @return the comma-separated entries of every line of {@code key}, in order (empty when not set)
     * @throws PluginConfigException when an entry is empty
     */
    public List<String> list(String key) {
        List<String> out = new ArrayList<>();
        for (Setting s : settings.getOrDefault(key.toLowerCase(Locale.ROOT), List.of())) {
            for (String part : s.value().split(",", -1)) {
                String p = part.strip();
                if (p.isEmpty()) {
                    throw invalid(s, "'" + s.value() + "' has an empty entry in its comma list");
                }
                out.add(p);
            }
        }
        return List.copyOf(out);
    }

    /**
     * @return the public keys of every line of {@code key} (comma-separated, base64)
     * @throws PluginConfigException naming the first entry that is not a key
     */
    public List<PublicKey> publicKeys(String key) {
        List<PublicKey> out = new ArrayList<>();
        for (Setting s : settings.getOrDefault(key.toLowerCase(Locale.ROOT), List.of())) {
            for (String part : s.value().split(",", -1)) {
                out.add(parse(s, part.strip(), PublicKey::fromBase64));
            }
        }
        return List.copyOf(out);
    }

    /**
     * @return the endpoint {@code key} names ({@link Endpoint#parse}), if set
     * @throws PluginConfigException when it is not one
     */
    public Optional<Endpoint> endpoint(String key) {
        return single(key).map(s -> parse(s, s.value(), Endpoint::parse));
    }

    /** @return the same section without {@code key} (the gateway takes a transport's {@code Listen} out before handing it over) */
    public PluginConfig without(String key) {
        Map<String, List<Setting>> rest = new LinkedHashMap<>(settings);
        rest.remove(key.toLowerCase(Locale.ROOT));
        return new PluginConfig(plugin, source, sectionLine, Collections.unmodifiableMap(rest));
    }

    /** @return every line of {@code key} as written, in file order (empty when not set) */
    public List<Setting> settings(String key) {
        return settings.getOrDefault(key.toLowerCase(Locale.ROOT), List.of());
    }

    /**
     * Applies a parser to one value of a setting, turning its {@link IllegalArgumentException} into
     * a {@link PluginConfigException} naming file, line and key.
     */
    public <T> T parse(Setting setting, String value, java.util.function.Function<String, T> parser) {
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            throw invalid(setting, "'" + value + "': " + (e.getMessage() == null ? "is not valid" : e.getMessage()));
        }
    }

    /** @return an exception naming the file, the line of {@code setting}, this section and its key */
    public PluginConfigException invalid(Setting setting, String problem) {
        return new PluginConfigException(source, setting.line(), section(), setting.key(), problem);
    }

    /** @return an exception naming the file, the line of {@code key} (0 when not set), this section and the key */
    public PluginConfigException invalid(String key, String problem) {
        List<Setting> s = settings.get(key.toLowerCase(Locale.ROOT));
        return s == null ? new PluginConfigException(source, 0, section(), key, problem) : invalid(s.getFirst(), problem);
    }

    private PluginConfigException missing(String key) {
        return new PluginConfigException(source, 0, section(), key, "is required but not set");
    }

    private Optional<Setting> single(String key) {
        List<Setting> s = settings.get(key.toLowerCase(Locale.ROOT));
        if (s == null) {
            return Optional.empty();
        }
        if (s.size() > 1) {
            throw invalid(s.get(1), "is set twice (first on line " + s.getFirst().line() + ")");
        }
        return Optional.of(s.getFirst());
    }

    private static Duration parseDuration(String v) {
        String t = v.strip().toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < t.length() && Character.isDigit(t.charAt(i))) {
            i++;
        }
        if (i == 0 || i > 9) {
            return null;
        }
        long n = Long.parseLong(t.substring(0, i));
        return switch (t.substring(i).strip()) {
            case "", "s" -> Duration.ofSeconds(n);
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> null;
        };
    }

    /** @return the section with its keys, never values (a value may be a secret) */
    @Override
    public String toString() {
        return section() + keys();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PluginConfig c && plugin.equals(c.plugin) && values().equals(c.values());
    }

    @Override
    public int hashCode() {
        return plugin.hashCode() * 31 + values().hashCode();
    }

    /** key to values, ignoring lines: what {@code syncconf} compares */
    private Map<String, List<String>> values() {
        Map<String, List<String>> v = new LinkedHashMap<>();
        settings.forEach((k, s) -> v.put(k, s.stream().map(Setting::value).toList()));
        return v;
    }
}
