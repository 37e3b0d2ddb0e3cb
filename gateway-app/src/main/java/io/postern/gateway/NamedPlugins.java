package io.postern.gateway;

import io.postern.spi.PluginName;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The implementations of one SPI found on the module path or in the plugins directory, by their
 * stable names (sorted). A provider found by {@link java.util.ServiceLoader} is named by its class's
 * {@link PluginName} and created only when it is selected (or described), once: an installed
 * provider that no configuration selects runs no code.
 *
 * @param <T> the SPI
 */
final class NamedPlugins<T> {
    private final String kind;
    private final Map<String, Candidate<T>> byName;
    private final Function<T, String> name;
    private final Function<T, String> description;

    /**
     * One provider, not created yet: the name its class declares, where it comes from, and how to
     * create it.
     *
     * @param name   its {@link PluginName}
     * @param type   its class (loaded, not initialized)
     * @param origin where it comes from, for messages: {@code built in} or {@code plugin NAME.jar}
     * @param create creates it ({@link java.util.ServiceLoader.Provider#get})
     */
    record Provided<T>(String name, Class<?> type, String origin, Supplier<? extends T> create) {}

    private NamedPlugins(String kind, Map<String, Candidate<T>> byName, Function<T, String> name,
                         Function<T, String> description) {
        this.kind = kind;
        this.byName = Collections.unmodifiableMap(byName);
        this.name = name;
        this.description = description;
    }

    /**
     * Plugins already created (a test's, or anything not found by ServiceLoader).
     *
     * @param kind        the SPI as the configuration calls it, e.g. {@code SessionPolicy}
     * @param found       the instances
     * @param name        reads an instance's name
     * @param description reads an instance's one-line description
     * @throws ConfigException when a name is blank or two implementations share a name (naming both classes)
     */
    static <T> NamedPlugins<T> of(String kind, Iterable<? extends T> found, Function<T, String> name,
                                  Function<T, String> description) {
        Map<String, Candidate<T>> byName = new TreeMap<>();
        for (T plugin : found) {
            add(kind, byName, new Candidate<T>(nameOf(kind, plugin, name), plugin.getClass(), "", null, plugin));
        }
        return new NamedPlugins<>(kind, byName, name, description);
    }

    /**
     * Providers named by their classes, to be created when selected.
     *
     * @throws ConfigException when two providers declare the same name (naming both classes)
     */
    static <T> NamedPlugins<T> provided(String kind, List<Provided<T>> found, Function<T, String> name,
                                        Function<T, String> description) {
        Map<String, Candidate<T>> byName = new TreeMap<>();
        for (Provided<T> p : found) {
            add(kind, byName, new Candidate<T>(p.name(), p.type(), p.origin(), p.create(), null));
        }
        return new NamedPlugins<>(kind, byName, name, description);
    }

    private static <T> void add(String kind, Map<String, Candidate<T>> byName, Candidate<T> candidate) {
        Candidate<T> other = byName.putIfAbsent(candidate.name, candidate);
        if (other != null) {
            throw new ConfigException(kind + " name '" + candidate.name + "' is provided twice: by "
                    + other.type.getName() + " and by " + candidate.type.getName());
        }
    }

    /**
     * The one check of a created plugin's name, for the module path's providers and the plugin jars alike.
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

    /**
     * Reads a provider's name from its class, without creating it (nor initializing the class).
     *
     * @return the value of {@code type}'s {@link PluginName}
     * @throws ConfigException when it has none, or a blank one
     */
    static String declaredName(String kind, Class<?> type) {
        PluginName declared = type.getAnnotation(PluginName.class);
        if (declared == null) {
            throw new ConfigException(kind + " " + type.getName() + " has no @" + PluginName.class.getName()
                    + " (the gateway reads a provider's name from its class, so that it creates only the providers"
                    + " the configuration selects)");
        }
        if (declared.value().isBlank()) {
            throw new ConfigException(kind + " " + type.getName() + " has a blank name");
        }
        return declared.value();
    }

    /** @return the SPI as the configuration calls it */
    String kind() {
        return kind;
    }

    /**
     * Creates the implementation named {@code name} the first time it is asked for, then returns
     * the same instance.
     *
     * @return the implementation named {@code name}
     * @throws ConfigException listing the available names when there is none by that name; naming
     *                         the provider and the cause when it cannot be created, or when its
     *                         {@code name()} is not the name its class declares
     */
    T select(String name) {
        Objects.requireNonNull(name, "name");
        Candidate<T> candidate = byName.get(name);
        if (candidate == null) {
            String available = byName.isEmpty() ? "none (is its module on the module path?)" : String.join(", ", byName.keySet());
            throw new ConfigException(kind + " '" + name + "' not found; available: " + available);
        }
        return candidate.instance(kind, this.name);
    }

    /**
     * Creates (as {@link #select} does) and returns the built-in implementations only: those of the
     * gateway's own modules (the boot layer, or the class path in tests), never a plugin jar's, so a
     * plugin that is not selected still runs no code.
     *
     * @return the built-in implementations by name
     */
    Map<String, T> builtIns() {
        Map<String, T> found = new TreeMap<>();
        for (Candidate<T> c : byName.values()) {
            Module m = c.type.getModule();
            if (!m.isNamed() || m.getLayer() == ModuleLayer.boot()) {
                found.put(c.name, c.instance(kind, name));
            }
        }
        return found;
    }

    /** @return the names, sorted; creates nothing */
    Collection<String> names() {
        return byName.keySet();
    }

    /**
     * Creates the implementation named {@code name} if it was not yet (as {@link #select} does) to
     * ask it for its description.
     *
     * @return one line describing it, or why it cannot be created
     */
    String describe(String name) {
        try {
            String d = description.apply(select(name));
            return d == null ? "" : d;
        } catch (ConfigException e) {
            return "(" + e.getMessage() + ")";
        }
    }

    /** One provider by name: created on first use, then kept. */
    private static final class Candidate<T> {
        private final String name;
        private final Class<?> type;
        private final String origin;
        private final Supplier<? extends T> create;
        private T instance;

        Candidate(String name, Class<?> type, String origin, Supplier<? extends T> create, T instance) {
            this.name = name;
            this.type = type;
            this.origin = origin;
            this.create = create;
            this.instance = instance;
        }

        synchronized T instance(String kind, Function<T, String> nameOf) {
            if (instance != null) {
                return instance;
            }
            String where = kind + " '" + name + "' (" + type.getName() + (origin.isEmpty() ? "" : ", " + origin) + ")";
            T created;
            try {
                created = create.get();
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                // ServiceConfigurationError: its constructor threw, or it is not public...; LinkageError:
                // its code touches a module it does not read, or its static initializer failed
                throw new ConfigException(null, 0, null, where + " cannot be created: " + PluginDirectory.oneLine(e), e);
            }
            String said;
            try {
                said = nameOf.apply(created);
            } catch (RuntimeException | LinkageError e) {
                throw new ConfigException(null, 0, null, where + " cannot be named: " + PluginDirectory.oneLine(e), e);
            }
            if (!name.equals(said)) {
                throw new ConfigException(where + " says its name() is '" + said + "', not the '" + name
                        + "' of its @" + PluginName.class.getSimpleName());
            }
            instance = created;
            return created;
        }
    }
}
