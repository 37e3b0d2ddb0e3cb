/**
 * An example Postern plugin: the {@code pinned-keys} {@link io.postern.spi.SessionPolicy}. It reads
 * only the contract ({@code io.postern.api}), which is all a plugin may read, and exports nothing:
 * the gateway finds the policy through the {@code provides} clause.
 */
module org.example.pinnedkeys {
    requires io.postern.api;

    provides io.postern.spi.SessionPolicy with org.example.pinnedkeys.PinnedKeysPolicy;
}
