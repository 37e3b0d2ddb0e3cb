package io.postern.spi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The name a provider class is selected by, readable without creating it: the gateway reads it
 * from the class {@link java.util.ServiceLoader} found and creates only the providers the
 * configuration selects, so an installed plugin that is not selected runs no code (neither its
 * constructor nor its static initializer). Every provider of an SPI of this package (and of
 * {@code io.postern.spi.crypto}) carries it, with the value its {@code name()} returns; a
 * provider without it is refused.
 *
 * <pre>{@code
 * @PluginName("pinned-keys")
 * public final class PinnedKeysPolicy implements SessionPolicy {
 *     @Override public String name() { return "pinned-keys"; }
 *     ...
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface PluginName {
    /** @return the stable name, equal to what the instance's {@code name()} returns */
    String value();
}
