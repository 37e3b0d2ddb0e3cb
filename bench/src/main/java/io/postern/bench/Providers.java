package io.postern.bench;

import io.postern.spi.crypto.CryptoProvider;
import java.util.ServiceLoader;

/** Finds a crypto provider by name the way the gateway does: through ServiceLoader (here on the class path). */
final class Providers {
    private Providers() {}

    static CryptoProvider byName(String name) {
        for (CryptoProvider p : ServiceLoader.load(CryptoProvider.class)) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no crypto provider named " + name);
    }
}
