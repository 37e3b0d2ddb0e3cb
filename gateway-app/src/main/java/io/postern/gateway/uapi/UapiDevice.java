package io.postern.gateway.uapi;

/**
 * What a {@link UapiServer} serves: one WireGuard interface. Implementations are thread-safe; the
 * server calls them from a virtual thread per connection.
 */
public interface UapiDevice {
    /**
     * Answers {@code get=1}: the device's lines in the order of the package documentation, each
     * ending with {@code \n}, without the final {@code errno=0} and empty line (the server adds them).
     * Use {@link UapiText} to format keys and endpoints as wireguard-go does.
     */
    String get();

    /**
     * Applies a {@code set=1} request as a whole, or nothing of it.
     *
     * @throws UapiException with the errno the client receives
     */
    void set(UapiSet request) throws UapiException;
}
