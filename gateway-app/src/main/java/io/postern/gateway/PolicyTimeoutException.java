package io.postern.gateway;

/**
 * Thrown by {@link TimeBoundSessionPolicy} in place of a decision the wrapped policy did not give in
 * time: the engine treats it like any policy fault (error log, policy-fault counter, fallback decision).
 */
final class PolicyTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PolicyTimeoutException(String message) {
        super(message, null, false, false);
    }
}
