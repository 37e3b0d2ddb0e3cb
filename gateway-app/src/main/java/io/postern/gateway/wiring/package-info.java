/**
 * The Guice wiring, one short module per concern: {@link io.postern.gateway.wiring.PluginModule}
 * binds the implementations chosen by name, {@link io.postern.gateway.wiring.EngineModule} builds
 * the engine from them. The one Injector is created by {@link io.postern.gateway.PosternNode}.
 */
package io.postern.gateway.wiring;
