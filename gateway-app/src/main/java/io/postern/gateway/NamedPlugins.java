package io.postern.gateway;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The implementations of one SPI found on the module path, by their stable names (sorted).
 *
 * @param <T> the SPI
 */
final class NamedPlugins<T> {
    private final String kind;
    private final Map<String, T> byName;
    private final Function<T, String> description;

    private NamedPlugins(String kind, Map<String, T> byName, Function<T, String> description) {
        this.kind = kind;
        this.byName = Collections.unmodifiableMap(byName);
        this.description = description;
    }

    /**
     * @param kind        the SPI as the configuration calls it, e.g. {@code SessionPolicy}
     * @param found       the instances (ServiceLoader's, or a test's)
     * @param name        reads an instance's name
     * @param description reads an instance's one-line description
     * @throws ConfigException when a name is blank or two implementations share a name (naming both classes)
     */
    static <T> NamedPlugins<T> of(String kind, Iterable<? extends T> found, Function<T, String> name,
                                  Function<T, String> description) {
        Map<String, T> byName = new TreeMap<>();
        for (T plugin : found) {
            String n = nameOf(kind, plugin, name);
            T other = byName.putIfAbsent(n, plugin);
            if (other != null) {
                throw new ConfigException(kind + " name '" + n + "' is provided twice: by "
                        + other.getClass().getName() + " and by " + plugin.getClass().getName());
            }
        }
        return new NamedPlugins<>(kind, byName, description);
    }

    /**
     * The one check of a plugin's name, for the module path's providers and the plugin jars alike.
     *
     * @return {@code plugin}'s name
     * @throws ConfigException when it is null or blank
     */
    static <T> String nameOf(String kind, T plugin, Function<T, String> name) {
        String n = name.apply(plugin);
        if (n == null || n.isBlank()) {
            throw new ConfigException(kind + " " + plugin.getClass().getName() + " has a blank name");
        }
        return n;
    }

    /** @return the SPI as the configuration calls it */
    String kind() {
        return kind;
    }

    /**
     * @return the implementation named {@code name}
     * @throws ConfigException listing the available names when there is none by that name
     */
    T select(String name) {
        Objects.requireNonNull(name, "name");
        T plugin = byName.get(name);
        if (plugin == null) {
            String available = byName.isEmpty() ? "none (is its module on the module path?)" : String.join(", ", byName.keySet());
            throw new ConfigException(kind + " '" + name + "' not found; available: " + available);
        }
        return plugin;
    }

    /** @return the implementation named {@code name}, if any */
    Optional<T> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** @return every implementation, by name */
    Map<String, T> all() {
        return byName;
    }

    /** @return the names, sorted */
    Collection<String> names() {
        return byName.keySet();
    }

    /** @return one line describing {@code plugin} */
    String describe(T plugin) {
        String d = description.apply(plugin);
        return d == null ? "" : d;
    }
}
