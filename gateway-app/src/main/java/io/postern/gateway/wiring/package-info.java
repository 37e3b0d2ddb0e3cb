/**
 * The Guice modules, one per feature: each binds instances already chosen by name (no logic, no
 * I/O); the one Injector is created by {@link io.postern.gateway.PosternNode}.
 */
package io.postern.gateway.wiring;
