package io.postern.gateway.admin;

import java.io.IOException;

/** No gateway answers on the admin socket: none runs with this data directory, or it is not ours to reach. */
public final class AdminUnavailableException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message one line an operator can act on */
    public AdminUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
