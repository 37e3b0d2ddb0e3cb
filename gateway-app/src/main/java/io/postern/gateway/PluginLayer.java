package io.postern.gateway;

import java.nio.file.Path;

/**
 * One plugin jar loaded in a module layer of its own, whose parent is the boot layer.
 *
 * @param jar    the file
 * @param layer  the layer holding exactly the jar's module
 * @param module the jar's module
 */
record PluginLayer(Path jar, ModuleLayer layer, Module module) {}
