package io.postern.gateway;

import java.nio.file.Path;

/**
 * A jar in the plugins directory that was not loaded, and why. The gateway starts anyway unless the
 * configuration names a plugin only that jar could have provided.
 *
 * @param jar    the file
 * @param reason why it was refused, one line
 */
record RefusedPlugin(Path jar, String reason) {
    @Override
    public String toString() {
        return jar.getFileName() + ": " + reason;
    }
}
