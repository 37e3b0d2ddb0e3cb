package io.postern.spi.crypto;

/**
 * The outcome of a handshake step: a value, or the reason it failed.
 *
 * @param <T> the value of a successful step
 */
public sealed interface HandshakeResult<T> {
    /** @param value the step's result */
    record Success<T>(T value) implements HandshakeResult<T> {}

    /** @param reason why the step failed */
    record Failure<T>(HandshakeRejection reason) implements HandshakeResult<T> {}

    /** @return a success holding {@code value} */
    static <T> HandshakeResult<T> success(T value) {
        return new Success<>(value);
    }

    /** @return a failure for {@code reason} */
    static <T> HandshakeResult<T> failure(HandshakeRejection reason) {
        return new Failure<>(reason);
    }
}
