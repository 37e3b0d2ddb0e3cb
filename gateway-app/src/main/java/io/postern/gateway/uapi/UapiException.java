package io.postern.gateway.uapi;

/**
 * A refused UAPI request: the (negative) errno the client receives, as wireguard-go writes it, and a
 * message for the gateway's log. Nothing of the request was applied.
 */
public final class UapiException extends Exception {
    /** An I/O error. */
    public static final int EIO = -5;
    /** A bad key or value. */
    public static final int EINVAL = -22;
    /** A line that is not {@code key=value}. */
    public static final int EPROTO = -71;
    /** The listen port cannot be bound. */
    public static final int EADDRINUSE = -98;
    /** Any other failure (wireguard-go's "ENOANO"). */
    public static final int UNKNOWN = -55;

    private final int errno;

    /**
     * @param errno   one of the constants (negative)
     * @param message what is wrong, for the log; never key material
     */
    public UapiException(int errno, String message) {
        super(message);
        this.errno = errno;
    }

    /** @return the errno the client receives */
    public int errno() {
        return errno;
    }
}
