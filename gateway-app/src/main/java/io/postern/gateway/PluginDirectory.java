package io.postern.gateway;

import io.postern.spi.PacketHandler;
import io.postern.spi.SessionPolicy;
import io.postern.spi.TransportProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugins directory: every {@code *.jar} in it is loaded in a {@link ModuleLayer} of its own,
 * with the boot layer as parent and a class loader of its own, so plugins cannot clash with each
 * other or with the gateway's own modules. Other files and subdirectories are ignored.
 *
 * <p>A plugin sees only the contract: its module may require {@code io.postern.api},
 * {@code org.slf4j} and JDK modules. A jar whose descriptor requires any other module of the
 * gateway (the engine, the gateway, Guice...) is refused, and the module system does the rest: a
 * plugin's code cannot link against a module its descriptor does not read, nor reach a package the
 * gateway's modules do not export. An automatic module (a jar without {@code module-info}) reads
 * every module: it is loaded, with a warning.
 *
 * <p>A plugin runs with the gateway's full privileges (its private key, its sockets, its files), so
 * who may write to the directory decides who runs code as the gateway: the directory and each jar
 * must be owned by the gateway's user or root and writable by no one else (group or others), else
 * it is refused with its path, owner and mode. A jar that requires {@code jdk.unsupported}
 * ({@code sun.misc.Unsafe}: memory outside the heap, the private key included) is refused. Each
 * loaded jar's SHA-256 is logged, so an operator can tell which build is running.
 *
 * <p>This class only builds layers; {@link PluginRegistry} looks the services up in them and refuses
 * a jar whose providers fail.
 *
 * @param layers  the jars loaded, in file name order
 * @param refused the jars refused, with the reason
 */
record PluginDirectory(List<PluginLayer> layers, List<RefusedPlugin> refused) {
    private static final Logger LOG = LoggerFactory.getLogger(PluginDirectory.class);

    /** The modules of the boot layer a plugin may require, besides JDK modules. */
    static final Set<String> READABLE = Set.of("io.postern.api", "org.slf4j");
    /** JDK modules a plugin may not require. */
    static final Set<String> FORBIDDEN = Set.of("jdk.unsupported");

    /** No plugins. */
    static final PluginDirectory NONE = new PluginDirectory(List.of(), List.of());

    /**
     * Loads every jar of {@code dir}; a missing directory means no plugins.
     *
     * @throws UncheckedIOException when the directory exists but cannot be listed
     */
    static PluginDirectory open(Path dir) {
        if (dir == null || !Files.isDirectory(dir)) {
            LOG.debug("no plugins directory dir={}", dir);
            return NONE;
        }
        String unsafe = unsafeOwnership(dir);
        if (unsafe != null) {
            LOG.warn("plugins directory refused dir={} reason={}", dir, unsafe);
            return new PluginDirectory(List.of(), List.of(new RefusedPlugin(dir, "plugins directory " + unsafe)));
        }
        List<Path> jars;
        try (Stream<Path> files = Files.list(dir)) {
            jars = files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the plugins directory " + dir, e);
        }
        List<PluginLayer> layers = new ArrayList<>();
        List<RefusedPlugin> refused = new ArrayList<>();
        for (Path jar : jars) {
            try {
                layers.add(load(jar));
            } catch (RefusedException e) {
                refused.add(new RefusedPlugin(jar, e.getMessage()));
            } catch (RuntimeException | LinkageError e) {
                // FindException (not a jar, bad descriptor), ResolutionException (missing module),
                // LayerInstantiationException (package clash), SecurityException (bad signature)
                refused.add(new RefusedPlugin(jar, oneLine(e)));
            }
        }
        return new PluginDirectory(List.copyOf(layers), List.copyOf(refused));
    }

    private static PluginLayer load(Path jar) {
        if (!Files.isRegularFile(jar, LinkOption.NOFOLLOW_LINKS)) {
            throw new RefusedException("not a regular file");
        }
        String unsafe = unsafeOwnership(jar);
        if (unsafe != null) {
            throw new RefusedException(unsafe);
        }
        String sha256 = sha256(jar);
        ModuleFinder finder = ModuleFinder.of(jar);
        Set<ModuleReference> found = finder.findAll();
        if (found.size() != 1) {
            throw new RefusedException("holds " + found.size() + " modules, expected one");
        }
        ModuleDescriptor descriptor = found.iterator().next().descriptor();
        ModuleLayer boot = ModuleLayer.boot();
        for (ModuleDescriptor.Requires r : descriptor.requires()) {
            if (FORBIDDEN.contains(r.name())) {
                throw new RefusedException("module " + descriptor.name() + " requires " + r.name()
                        + ", which plugins may not read (sun.misc.Unsafe reaches memory outside the heap)");
            }
            Optional<Module> inBoot = boot.findModule(r.name());
            if (inBoot.isPresent() && !isJdk(inBoot.get()) && !READABLE.contains(r.name())) {
                throw new RefusedException("module " + descriptor.name() + " requires " + r.name()
                        + ", which plugins may not read (a plugin sees only " + String.join(", ", READABLE.stream().sorted().toList())
                        + " and JDK modules)");
            }
        }
        boolean providesSomething = descriptor.provides().stream().anyMatch(p ->
                p.service().equals(SessionPolicy.class.getName()) || p.service().equals(PacketHandler.class.getName())
                        || p.service().equals(TransportProvider.class.getName()));
        if (!providesSomething) {
            throw new RefusedException("module " + descriptor.name() + " provides no " + SessionPolicy.class.getName()
                    + ", " + PacketHandler.class.getName() + " or " + TransportProvider.class.getName() + " (add 'provides ... with ...' to its module-info)");
        }
        if (descriptor.isAutomatic()) {
            LOG.warn("plugin is an automatic module (no module-info): it can read every exported package of the gateway; "
                    + "prefer a modular jar jar={} module={}", jar, descriptor.name());
        }
        Configuration configuration = boot.configuration()
                .resolveAndBind(finder, ModuleFinder.of(), Set.of(descriptor.name()));
        ModuleLayer layer = boot.defineModulesWithOneLoader(configuration, ClassLoader.getSystemClassLoader());
        LOG.info("plugin jar jar={} module={} sha256={}", jar, descriptor.name(), sha256);
        return new PluginLayer(jar, layer, layer.findModule(descriptor.name()).orElseThrow());
    }

    /**
     * @return why {@code path} may not hold plugins (path, owner and mode named), or null: it must
     *         be owned by the gateway's user or root and not be writable by group or others
     */
    static String unsafeOwnership(Path path) {
        PosixFileAttributes a;
        try {
            a = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException e) {
            return null; // not a POSIX file system: nothing to check against
        } catch (IOException e) {
            return path + " cannot be read (" + e.getMessage() + ")";
        }
        String owner = a.owner().getName();
        String mode = PosixFilePermissions.toString(a.permissions());
        boolean othersWrite = a.permissions().contains(PosixFilePermission.GROUP_WRITE)
                || a.permissions().contains(PosixFilePermission.OTHERS_WRITE);
        boolean ownerOk = owner.equals("root") || owner.equals(System.getProperty("user.name"));
        if (othersWrite || !ownerOk) {
            return path + " (owner " + owner + ", mode " + mode + ") must be owned by "
                    + System.getProperty("user.name") + " or root and writable by no one else: a plugin runs"
                    + " with the gateway's full privileges";
        }
        return null;
    }

    private static String sha256(Path jar) {
        try (InputStream in = Files.newInputStream(jar)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new RefusedException("cannot be read: " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static boolean isJdk(Module module) {
        ClassLoader loader = module.getClassLoader();
        return loader == null || loader == ClassLoader.getPlatformClassLoader();
    }

    /** @return the throwable's class and message, and its causes' */
    static String oneLine(Throwable t) {
        StringBuilder text = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (!text.isEmpty()) {
                text.append("; caused by ");
            }
            text.append(c.getClass().getName());
            if (c.getMessage() != null) {
                text.append(": ").append(c.getMessage());
            }
        }
        return text.toString();
    }

    /** A jar refused for a reason this class states itself. */
    private static final class RefusedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RefusedException(String reason) {
            super(reason, null, false, false);
        }
    }
}
