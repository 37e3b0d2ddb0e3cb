/**
 * The service provider interfaces a third party implements to extend Postern: session policies,
 * admission, packet handlers and transports. Each implementation has a public no-argument
 * constructor, a stable {@code name()} the configuration selects it by, the same name in a
 * {@link io.postern.spi.PluginName} annotation on its class (so the gateway can tell which one is
 * selected without creating the others), and is found with {@link java.util.ServiceLoader}.
 */
package io.postern.spi;
