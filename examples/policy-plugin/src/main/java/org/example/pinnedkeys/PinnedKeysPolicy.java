package org.example.pinnedkeys;

import io.postern.spi.IdentityChange;
import io.postern.spi.PolicyDecision;
import io.postern.spi.SessionPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * {@code pinned-keys}: an identity on the pin list may be replaced at its endpoint only by a key
 * approved for it in the pin file; any other identity change resets as the default policy does.
 *
 * <ul>
 *   <li>pinned incumbent, approved newcomer: {@link PolicyDecision#ACCEPT_AND_RESET_AFTER_CONFIRMATION}
 *       (the newcomer gets in; the stale session is evicted once the new one is confirmed);</li>
 *   <li>pinned incumbent, any other newcomer: {@link PolicyDecision#REJECT} (the incumbent keeps the endpoint);</li>
 *   <li>incumbent not pinned: {@link PolicyDecision#ACCEPT_AND_RESET_AFTER_CONFIRMATION}.</li>
 * </ul>
 *
 * <p>The pin file ({@link PinFile}) is read once, when the gateway creates the policy at start: the
 * file named by the system property {@value #FILE_PROPERTY}, else by the environment variable
 * {@value #FILE_ENV}, else {@value #DEFAULT_FILE} in the directory the plugin jar is in (the
 * gateway's plugins directory). A missing or bad file makes the constructor throw: the gateway then
 * refuses the plugin, saying why. Edit the file, then restart the gateway.
 *
 * <p>Thread-safe (immutable); decisions are two set look-ups.
 */
public final class PinnedKeysPolicy implements SessionPolicy {
    /** The system property naming the pin file. */
    public static final String FILE_PROPERTY = "postern.pinned-keys.file";
    /** The environment variable naming the pin file. */
    public static final String FILE_ENV = "POSTERN_PINNED_KEYS";
    /** The pin file's name beside the plugin jar. */
    public static final String DEFAULT_FILE = "pinned-keys.conf";

    private final PinFile pins;

    /**
     * Created by the gateway (through {@link java.util.ServiceLoader}): reads the pin file.
     *
     * @throws UncheckedIOException     when the pin file cannot be read
     * @throws IllegalArgumentException when it has a bad entry
     */
    public PinnedKeysPolicy() {
        this(read(pinFile(System.getProperty(FILE_PROPERTY), System.getenv(), ownJarDirectory())));
    }

    /** @param pins the pin list and approvals to apply */
    public PinnedKeysPolicy(PinFile pins) {
        this.pins = Objects.requireNonNull(pins, "pins");
    }

    /**
     * @param property the system property's value, or null
     * @param env      the environment
     * @param jarDir   the directory of the plugin jar, or null when not run from a jar
     * @return where the pin file is
     */
    static Path pinFile(String property, Map<String, String> env, Path jarDir) {
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String fromEnv = env.get(FILE_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv);
        }
        if (jarDir == null) {
            throw new IllegalStateException("no pin file: set -D" + FILE_PROPERTY + " or $" + FILE_ENV);
        }
        return jarDir.resolve(DEFAULT_FILE);
    }

    private static Path ownJarDirectory() {
        var source = PinnedKeysPolicy.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return null;
        }
        try {
            Path location = Path.of(source.getLocation().toURI());
            return location.toString().endsWith(".jar") ? location.getParent() : null;
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }

    private static PinFile read(Path file) {
        try {
            return PinFile.read(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the pin file " + file + " (" + e + ")", e);
        }
    }

    @Override
    public String name() {
        return "pinned-keys";
    }

    @Override
    public String description() {
        return "Pinned identities may replace their key only with one approved in the pin file (else rejected); "
                + "any other identity change resets as reset-on-identity-change does.";
    }

    @Override
    public PolicyDecision onIdentityChange(IdentityChange change) {
        if (pins.isPinned(change.incumbent()) && !pins.approves(change.incumbent(), change.newcomer())) {
            return PolicyDecision.REJECT;
        }
        return PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION;
    }
}
