package io.postern.handler.tun;

/** A TUN interface cannot be created, configured or used; the message says which and why. */
public final class TunException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TunException(String message) {
        super(message);
    }

    TunException(String message, Throwable cause) {
        super(message, cause);
    }
}
