package io.postern.wire;

/**
 * A parse outcome: the message, or why the bytes are not one.
 *
 * @param <T> the message type
 */
public sealed interface Parsed<T> {
    /** @param message the parsed message */
    record Ok<T>(T message) implements Parsed<T> {}

    /** @param reason why the bytes were rejected */
    record Rejected<T>(WireRejection reason) implements Parsed<T> {}
}
